// Test-only: another installed extension sending messages to Leadline by its id, the way a
// malicious or curious extension would. Resolves to what came back, or the error it got.
'use strict';

/** Sends `message` to extension `id`; resolves to {answer} or {error}. Never throws. */
globalThis.tryLeadline = async function tryLeadline(id, message) {
  try {
    const answer = await chrome.runtime.sendMessage(id, message);
    return { answer: answer === undefined ? null : answer };
  } catch (error) {
    return { error: String((error && error.message) || error) };
  }
};

/** Opens a long-lived port to extension `id` and reports what happens within `ms`. */
globalThis.tryLeadlinePort = function tryLeadlinePort(id, message, ms) {
  return new Promise((resolve) => {
    const seen = [];
    let port;
    try {
      port = chrome.runtime.connect(id);
    } catch (error) {
      resolve({ error: String((error && error.message) || error), seen });
      return;
    }
    port.onMessage.addListener((m) => seen.push(m));
    port.onDisconnect.addListener(() => {
      const last = chrome.runtime.lastError;
      resolve({ disconnected: true, error: last ? String(last.message) : null, seen });
    });
    try {
      port.postMessage(message);
    } catch (error) {
      resolve({ error: String((error && error.message) || error), seen });
      return;
    }
    setTimeout(() => resolve({ disconnected: false, seen }), ms);
  });
};
