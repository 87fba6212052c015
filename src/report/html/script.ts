import { createHash } from "node:crypto";
import { FILTER_JS } from "./filters.ts";

/**
 * The page's one script and the Content-Security-Policy that allows exactly it. The script is
 * made of constants only (no value of any run is ever written into it): the filters
 * (filters.ts) and the copy buttons of the reproduce commands (COPY_JS). Both are progressive
 * enhancement: with scripts off the filters stay hidden, the copy buttons too, and every command
 * is still there to select in its <code> block.
 */

/**
 * Copy a run's reproduce command: a click on a `button.copy` copies the text of the <code> beside
 * it (the Clipboard API; where the page may not use it — some browsers refuse it from file:// —
 * the command is selected and copied the old way, or left selected for Ctrl-C). The buttons are
 * shown only once this has run (`html[data-copy]`, style.ts).
 */
export const COPY_JS = `(function () {
  "use strict";
  function select(node) {
    var range = document.createRange();
    range.selectNodeContents(node);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
  }
  function say(button, text) {
    button.textContent = text;
    setTimeout(function () { button.textContent = "copy"; }, 1500);
  }
  function fallback(button, code) {
    select(code);
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (err) { ok = false; }
    say(button, ok ? "copied" : "selected: press Ctrl+C");
  }
  document.addEventListener("click", function (e) {
    var button = e.target && e.target.closest ? e.target.closest("button.copy") : null;
    if (!button) return;
    var code = button.parentNode.querySelector("code");
    if (!code) return;
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(code.textContent).then(function () { say(button, "copied"); }, function () { fallback(button, code); });
    } else fallback(button, code);
  });
  document.documentElement.setAttribute("data-copy", "ready");
})();`;

/** The page's one inline script. */
export const PAGE_JS = `${FILTER_JS}\n${COPY_JS}`;

/** The CSP source of PAGE_JS: the only script the page may run. */
export const PAGE_JS_HASH = `sha256-${createHash("sha256").update(PAGE_JS, "utf8").digest("base64")}`;

/**
 * No network, no plug-in, no frame, no form target, and of scripts only PAGE_JS: what an escape
 * that failed somewhere could otherwise do is not allowed to happen. Styles are the page's own.
 */
export const CSP = `default-src 'none'; script-src '${PAGE_JS_HASH}'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'`;
