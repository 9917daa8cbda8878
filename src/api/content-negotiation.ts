// Accept header negotiation (RFC 9110, section 12.5.1): the offered type with the
// highest quality wins; among equal qualities, the more specific range decides, then
// the server's order. No Accept header means anything is acceptable.

interface MediaRange {
  type: string;
  subtype: string;
  q: number;
}

function parseAccept(header: string): MediaRange[] {
  return header
    .split(",")
    .map((part) => {
      const [range = "", ...params] = part.trim().split(";");
      const [type = "", subtype = ""] = range.trim().toLowerCase().split("/");
      let q = 1;
      for (const param of params) {
        const [name, value] = param.trim().split("=");
        if (name?.trim() === "q" && value !== undefined) q = Number(value);
      }
      return { type, subtype, q: Number.isFinite(q) ? q : 0 };
    })
    .filter((r) => r.type !== "");
}

/** The offered media type to answer with, or undefined when none is acceptable (406). */
export function negotiate(accept: string | undefined, offered: readonly string[]): string | undefined {
  if (accept === undefined || accept.trim() === "") return offered[0];
  const ranges = parseAccept(accept);
  let best: { type: string; q: number; specificity: number } | undefined;
  for (const type of offered) {
    const [t, s] = type.split("/");
    let match: { q: number; specificity: number } | undefined;
    for (const range of ranges) {
      const specificity =
        range.type === t && range.subtype === s
          ? 2
          : range.type === t && range.subtype === "*"
            ? 1
            : range.type === "*"
              ? 0
              : -1;
      if (specificity < 0) continue;
      if (match === undefined || specificity > match.specificity) match = { q: range.q, specificity };
    }
    if (match === undefined || match.q <= 0) continue;
    if (best === undefined || match.q > best.q || (match.q === best.q && match.specificity > best.specificity)) {
      best = { type, ...match };
    }
  }
  return best?.type;
}
