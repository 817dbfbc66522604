//! API usage reported in response headers.
//!
//! - Salesforce: `Sforce-Limit-Info: api-usage=25/15000` (used/limit over the rolling 24 h;
//!   may be followed by `, api-bursts=1/750`) on every REST response except `/services/data/`.
//!   Source: <https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_api_usage.htm>
//! - HubSpot: `X-HubSpot-RateLimit-Daily`, `-Daily-Remaining`, `-Secondly`,
//!   `-Secondly-Remaining`, and on newer responses `X-HubSpot-RateLimit-Max`, `-Remaining`,
//!   `-Interval-Milliseconds`; `Retry-After` (seconds) on 429.
//!   Source: <https://developers.hubspot.com/docs/developer-tooling/platform/usage-guidelines>

use serde::{Deserialize, Serialize};

use crate::http::HttpResponse;

/// Daily API requests used and allowed, from `Sforce-Limit-Info`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiUsage {
    /// Requests used in the rolling 24 hours.
    pub used: u64,
    /// The org's allowance.
    pub limit: u64,
}

impl ApiUsage {
    /// Reads the `api-usage=N/M` part of a `Sforce-Limit-Info` value.
    pub fn parse(header: &str) -> Option<Self> {
        header.split([',', ';']).find_map(|part| {
            let (key, value) = part.trim().split_once('=')?;
            if key.trim() != "api-usage" {
                return None;
            }
            let (used, limit) = value.trim().split_once('/')?;
            Some(Self {
                used: used.trim().parse().ok()?,
                limit: limit.trim().parse().ok()?,
            })
        })
    }

    /// Reads the header from a response.
    pub fn from_response(resp: &HttpResponse) -> Option<Self> {
        resp.header("Sforce-Limit-Info").and_then(Self::parse)
    }

    /// Requests left before `REQUEST_LIMIT_EXCEEDED`.
    pub fn remaining(&self) -> u64 {
        self.limit.saturating_sub(self.used)
    }
}

/// HubSpot rate-limit headers (each only when the response carried it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct HsRateLimit {
    /// `X-HubSpot-RateLimit-Daily`.
    pub daily: Option<u64>,
    /// `X-HubSpot-RateLimit-Daily-Remaining`.
    pub daily_remaining: Option<u64>,
    /// `X-HubSpot-RateLimit-Secondly` (per 10-second window on current accounts).
    pub secondly: Option<u64>,
    /// `X-HubSpot-RateLimit-Secondly-Remaining`.
    pub secondly_remaining: Option<u64>,
    /// `X-HubSpot-RateLimit-Max` (requests per interval).
    pub max: Option<u64>,
    /// `X-HubSpot-RateLimit-Remaining`.
    pub remaining: Option<u64>,
    /// `X-HubSpot-RateLimit-Interval-Milliseconds`.
    pub interval_ms: Option<u64>,
    /// `Retry-After` in seconds.
    pub retry_after_secs: Option<u64>,
}

impl HsRateLimit {
    /// Reads whichever rate-limit headers the response has; `None` when it has none.
    pub fn from_response(resp: &HttpResponse) -> Option<Self> {
        let num = |name: &str| resp.header(name).and_then(|v| v.trim().parse::<u64>().ok());
        let limits = Self {
            daily: num("X-HubSpot-RateLimit-Daily"),
            daily_remaining: num("X-HubSpot-RateLimit-Daily-Remaining"),
            secondly: num("X-HubSpot-RateLimit-Secondly"),
            secondly_remaining: num("X-HubSpot-RateLimit-Secondly-Remaining"),
            max: num("X-HubSpot-RateLimit-Max"),
            remaining: num("X-HubSpot-RateLimit-Remaining"),
            interval_ms: num("X-HubSpot-RateLimit-Interval-Milliseconds"),
            retry_after_secs: num("Retry-After"),
        };
        (limits != Self::default()).then_some(limits)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn parses_salesforce_usage() {
        assert_eq!(
            ApiUsage::parse("api-usage=25/15000"),
            Some(ApiUsage {
                used: 25,
                limit: 15000
            })
        );
        assert_eq!(
            ApiUsage::parse("api-usage=25/15000").unwrap().remaining(),
            14_975,
            "requests left before REQUEST_LIMIT_EXCEEDED"
        );
        let u = ApiUsage::parse("api-bursts=1/750, api-usage=15000/15000").unwrap();
        assert_eq!((u.used, u.remaining()), (15000, 0));
        assert_eq!(ApiUsage::parse("api-usage=x/1"), None);
        assert_eq!(ApiUsage::parse(""), None);
    }

    #[test]
    fn parses_hubspot_headers() {
        let resp = HttpResponse {
            status: 429,
            headers: vec![
                ("x-hubspot-ratelimit-max".into(), "110".into()),
                ("X-HubSpot-RateLimit-Remaining".into(), "0".into()),
                ("Retry-After".into(), "10".into()),
            ],
            body: String::new(),
        };
        let l = HsRateLimit::from_response(&resp).unwrap();
        assert_eq!(
            (l.max, l.remaining, l.retry_after_secs),
            (Some(110), Some(0), Some(10))
        );
        let none = HttpResponse {
            status: 200,
            headers: vec![],
            body: String::new(),
        };
        assert_eq!(HsRateLimit::from_response(&none), None);
    }
}
