import { describe, expect, it } from "vitest";
import { clip, terminalLine, TERMINAL_LINE_MAX, visible, xmlText } from "../../src/report/safeText.ts";

/** Anything a terminal would act on rather than print. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
/** What XML 1.0 forbids (Char production), including lone surrogates. */
const NOT_XML = /[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u;

describe("visible", () => {
  it("renders ESC sequences, C0, DEL and C1 controls as \\xHH", () => {
    expect(visible("\x1b[2J\x1b]0;pwned\x07")).toBe("\\x1b[2J\\x1b]0;pwned\\x07");
    expect(visible("a\u0000b\u007fc\u0085d\u009be")).toBe("a\\x00b\\x7fc\\x85d\\x9be");
  });

  it("names tab, line feed and carriage return, or keeps tab and line breaks when asked", () => {
    expect(visible("a\tb\nc\rd")).toBe("a\\tb\\nc\\rd");
    expect(visible("a\tb\r\nc\rd", { keepBreaks: true })).toBe("a\tb\nc\\rd");
  });

  it("turns lone surrogates into U+FFFD and keeps whole pairs", () => {
    expect(visible("a\ud800b\udc00c")).toBe("a\ufffdb\ufffdc");
    expect(visible("x\ud83d\ude00y")).toBe("x\ud83d\ude00y");
    expect(visible("\udc00\ud800")).toBe("\ufffd\ufffd");
  });

  it("shows the XML-forbidden noncharacters and bidi overrides as \\uHHHH", () => {
    expect(visible("a\ufffeb\uffffc")).toBe("a\\ufffeb\\uffffc");
    expect(visible("user\u202egnp.exe")).toBe("user\\u202egnp.exe");
  });

  it("leaves ordinary text alone, non-ASCII included", () => {
    const s = `seq 41 → "faraday/ab12/up" <&> ünïcødé 日本 ${"\u00a0"}`;
    expect(visible(s)).toBe(s);
    expect(visible(42)).toBe("42");
  });
});

describe("clip", () => {
  it("caps a long piece and says how much it left out", () => {
    expect(clip("abcdef", 10)).toBe("abcdef");
    expect(clip("abcdefghij", 4)).toBe("abcd… [6 more characters]");
  });
  it("never cuts a surrogate pair in two", () => {
    expect(clip("a\ud83d\ude00b", 2)).toBe("a… [3 more characters]");
  });
});

describe("terminalLine", () => {
  it("is one line without a control character, at most about TERMINAL_LINE_MAX long", () => {
    const out = terminalLine(`${"x".repeat(1_000_000)}\x1b[31m\n`);
    expect(out).not.toMatch(CONTROL);
    expect(out.length).toBeLessThan(TERMINAL_LINE_MAX + 50);
    expect(out).toMatch(/… \[\d+ more characters\]$/);
  });
});

describe("xmlText", () => {
  it("escapes markup and leaves only characters XML 1.0 allows", () => {
    const out = xmlText(`<a href="x">&'</a>\u0000\u0008\u000b\u000c\u000e\u001f\ufffe\uffff\ud800\x1b[2J`);
    expect(out).toBe("&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;\\x00\\x08\\x0b\\x0c\\x0e\\x1f\\ufffe\\uffff\ufffd\\x1b[2J");
    expect(out).not.toMatch(NOT_XML);
  });
  it("keeps line breaks and tabs, which XML allows", () => {
    expect(xmlText("a\n\tb")).toBe("a\n\tb");
  });
});
