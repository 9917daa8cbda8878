// Text placed into an HTML page (element content or a quoted attribute): every character
// that could end the text and start markup is escaped, so that a value from a request,
// a store or a schema description is only ever shown, never interpreted.
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}
