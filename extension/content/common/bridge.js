// The content scripts' only channel to the service worker: chrome.runtime.sendMessage with the
// message kinds of the registry (extension/shared/messages.js, the first content script). Every
// call resolves to {ok:true,...} or {ok:false,error:{code,message,hint}}; it never throws, so a
// dead or reloaded extension becomes a plain message.
'use strict';

(function (root) {
  const Leadline = (root.Leadline = root.Leadline || {});

  /** Message kinds and sources, from the registry (extension/shared/messages.js, loaded first). */
  const { CONTENT_TO_WORKER, WORKER_TO_CONTENT, SOURCE: Source, failure } = Leadline.messages;
  /** Content script → service worker kinds, plus the one worker → tab kind. */
  const Kind = Object.freeze({ ...CONTENT_TO_WORKER, ...WORKER_TO_CONTENT });

  /** Sends `message` to the service worker; resolves to its answer or a failure object. */
  async function send(message) {
    let answer;
    try {
      if (!root.chrome || !chrome.runtime || !chrome.runtime.id) {
        return failure(
          'extension_unavailable',
          'Leadline was updated or turned off while this page was open.',
          'Reload the page, then try again.'
        );
      }
      answer = await chrome.runtime.sendMessage(message);
    } catch (error) {
      const text = String((error && error.message) || error);
      if (/context invalidated/i.test(text)) {
        return failure(
          'extension_unavailable',
          'Leadline was updated while this page was open.',
          'Reload the page, then try again.'
        );
      }
      return failure(
        'worker_unreachable',
        'Leadline could not reach its background service.',
        'Try again in a moment; if it keeps failing, reload the extension in chrome://extensions.'
      );
    }
    if (!answer || typeof answer !== 'object' || typeof answer.ok !== 'boolean') {
      return failure(
        'bad_answer',
        'Leadline got no answer for this action.',
        'Try again; if it keeps failing, open the Leadline popup to see the error log.'
      );
    }
    return answer;
  }

  /** Calls `handler(message)` for save_progress messages the worker sends to this tab. */
  function onProgress(handler) {
    if (!root.chrome || !chrome.runtime || !chrome.runtime.onMessage) return;
    chrome.runtime.onMessage.addListener((message, sender) => {
      if (sender && sender.id && sender.id !== chrome.runtime.id) return;
      if (message && message.kind === Kind.SAVE_PROGRESS) handler(message);
    });
  }

  Leadline.bridge = { Kind, Source, send, onProgress };
})(globalThis);
