// GET /docs for a browser: the OpenAPI document as a readable reference, rendered here on
// the server from the same document `/docs/json` serves. Every operation under its tag,
// with its parameters, body, answers and the types of each (schema-text.ts); a table of
// contents; no script at all and nothing loaded from elsewhere, so it works on an
// air-gapped cluster, behind any proxy, and under a policy that runs no script.
import { escapeHtml as escape } from "./html-escape.js";
import { schemaText } from "./schema-text.js";

type Json = Record<string, unknown>;

interface Operation {
  readonly method: string;
  readonly path: string;
  readonly op: Json;
}

const METHODS = ["get", "post", "put", "patch", "delete"] as const;

function asObject(value: unknown): Json {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : {};
}

function text(value: unknown): string {
  return typeof value === "string" ? value : "";
}

/** A stable fragment id for an operation: get-stores-store-keys-key. */
export function operationId(method: string, path: string): string {
  return `${method}-${path
    .replace(/[{}]/g, "")
    .replace(/[^A-Za-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")}`;
}

function operations(document: Json): Map<string, Operation[]> {
  const byTag = new Map<string, Operation[]>();
  for (const [path, item] of Object.entries(asObject(document.paths))) {
    for (const method of METHODS) {
      const op = asObject(asObject(item)[method]);
      if (Object.keys(op).length === 0) continue;
      const tags = Array.isArray(op.tags) ? op.tags : [];
      const tag = text(tags[0]) || "other";
      byTag.set(tag, [...(byTag.get(tag) ?? []), { method, path, op }]);
    }
  }
  return byTag;
}

function code(schema: unknown): string {
  return `<pre class="type">${escape(schemaText(schema))}</pre>`;
}

function renderParameters(op: Json): string {
  const parameters = Array.isArray(op.parameters) ? op.parameters.map(asObject) : [];
  if (parameters.length === 0) return "";
  const rows = parameters
    .map((p) => {
      const type = schemaText(p.schema).replace(/\s+/g, " ");
      return (
        `<tr><td><code>${escape(text(p.name))}</code>${p.required === true ? ' <span class="req">required</span>' : ""}</td>` +
        `<td>${escape(text(p.in))}</td><td><code>${escape(type)}</code></td><td>${escape(text(p.description))}</td></tr>`
      );
    })
    .join("");
  return `<h4>Parameters</h4><table><thead><tr><th>name</th><th>in</th><th>type</th><th>description</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function renderBody(op: Json): string {
  const body = asObject(op.requestBody);
  const content = asObject(body.content);
  const entries = Object.entries(content);
  if (entries.length === 0) return "";
  const description = text(body.description);
  return (
    `<h4>Request body</h4>${description === "" ? "" : `<p>${escape(description)}</p>`}` +
    entries.map(([type, media]) => `<p class="media">${escape(type)}</p>${code(asObject(media).schema)}`).join("")
  );
}

function renderResponses(op: Json): string {
  const responses = Object.entries(asObject(op.responses));
  if (responses.length === 0) return "";
  const items = responses
    .map(([status, value]) => {
      const response = asObject(value);
      const content = Object.entries(asObject(response.content));
      const schemas = content
        .filter(([, media]) => asObject(media).schema !== undefined)
        .map(([type, media]) => `<details><summary>${escape(type)}</summary>${code(asObject(media).schema)}</details>`)
        .join("");
      const types =
        content.length > 0 && schemas === ""
          ? ` <span class="media">${escape(content.map(([t]) => t).join(", "))}</span>`
          : "";
      return `<li><span class="status s${escape(status.charAt(0))}">${escape(status)}</span> ${escape(text(response.description))}${types}${schemas}</li>`;
    })
    .join("");
  return `<h4>Responses</h4><ul class="responses">${items}</ul>`;
}

function renderOperation({ method, path, op }: Operation): string {
  const security = Array.isArray(op.security) ? op.security : undefined;
  const auth =
    security === undefined
      ? ""
      : security.length === 0
        ? '<span class="auth">public</span>'
        : '<span class="auth">bearer token</span>';
  const description = text(op.description);
  return (
    `<article class="operation" id="${escape(operationId(method, path))}">` +
    `<h3><span class="method ${escape(method)}">${escape(method.toUpperCase())}</span> <code class="path">${escape(path)}</code>${auth}</h3>` +
    `<p class="summary">${escape(text(op.summary))}</p>${description === "" ? "" : `<p>${escape(description)}</p>`}` +
    `${renderParameters(op)}${renderBody(op)}${renderResponses(op)}</article>`
  );
}

export function renderDocsPage(document: Json, jsonPath: string): string {
  const info = asObject(document.info);
  const title = text(info.title) || "API";
  const byTag = operations(document);
  const toc = [...byTag]
    .map(
      ([tag, ops]) =>
        `<li><a href="#tag-${escape(tag)}">${escape(tag)}</a><ul>${ops
          .map(
            (o) =>
              `<li><a href="#${escape(operationId(o.method, o.path))}"><b>${escape(o.method.toUpperCase())}</b> ${escape(o.path)}</a></li>`,
          )
          .join("")}</ul></li>`,
    )
    .join("");
  const sections = [...byTag]
    .map(
      ([tag, ops]) =>
        `<section id="tag-${escape(tag)}"><h2>${escape(tag)}</h2>${ops.map(renderOperation).join("")}</section>`,
    )
    .join("\n");
  const scheme = asObject(asObject(asObject(document.components).securitySchemes).bearerAuth);
  const authNote =
    Object.keys(scheme).length === 0
      ? ""
      : `<p class="note">Authentication: <code>Authorization: Bearer &lt;token&gt;</code>. ${escape(text(scheme.description))}</p>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)} · API reference</title>
<style>${STYLE}</style>
</head>
<body>
<nav><h1>${escape(title)}</h1><p class="version">version ${escape(text(info.version))} · OpenAPI ${escape(text(document.openapi))}</p><ul>${toc}</ul></nav>
<main>
<header><h1>${escape(title)}</h1><p>${escape(text(info.description))}</p>${authNote}
<p class="note">The same document as JSON: <a href="${escape(jsonPath)}">${escape(jsonPath)}</a> (or <code>Accept: application/json</code>).</p></header>
${sections}
</main>
</body>
</html>
`;
}

const STYLE = `
* { box-sizing: border-box; }
body { font: 14px/1.5 system-ui, sans-serif; margin: 0; color: #1d2433; background: #f7f8fa; display: flex; }
nav { width: 300px; flex: none; height: 100vh; position: sticky; top: 0; overflow-y: auto; background: #fff; border-right: 1px solid #dde1e8; padding: 16px; font-size: 13px; }
nav h1 { font-size: 16px; margin: 0; }
nav ul { list-style: none; padding-left: 0; } nav ul ul { padding-left: 8px; margin-bottom: 10px; }
nav a { color: #3565b8; text-decoration: none; } nav a:hover { text-decoration: underline; }
nav > ul > li > a { font-weight: 600; text-transform: capitalize; }
main { flex: 1; min-width: 0; padding: 16px 32px; max-width: 1100px; }
header h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 18px; text-transform: capitalize; border-bottom: 1px solid #dde1e8; padding-bottom: 4px; margin-top: 32px; }
h3 { font-size: 15px; margin: 0 0 4px; display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
h4 { font-size: 13px; margin: 12px 0 4px; color: #4b5568; }
.operation { background: #fff; border: 1px solid #dde1e8; border-radius: 8px; padding: 12px 16px; margin: 12px 0; }
.method { font: 600 12px ui-monospace, monospace; color: #fff; border-radius: 4px; padding: 2px 8px; background: #4b5568; }
.method.get { background: #2f8a4c; } .method.post { background: #3565b8; } .method.delete { background: #b83535; }
.path { font-size: 14px; }
.auth { font-size: 11px; font-weight: 400; color: #4b5568; border: 1px solid #dde1e8; border-radius: 10px; padding: 0 8px; }
.summary { font-weight: 600; margin: 4px 0; }
.note, .version { color: #4b5568; }
.req { font-size: 11px; color: #b83535; }
.media { font: 12px ui-monospace, monospace; color: #4b5568; margin: 4px 0; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; border-top: 1px solid #eef0f4; padding: 4px 8px 4px 0; vertical-align: top; }
pre.type { background: #f3f5f8; border-radius: 6px; padding: 8px 12px; overflow-x: auto; font-size: 12px; margin: 4px 0; }
ul.responses { list-style: none; padding: 0; margin: 0; } ul.responses li { margin: 4px 0; }
.status { font: 600 12px ui-monospace, monospace; border-radius: 4px; padding: 1px 6px; background: #eef0f4; }
.status.s2 { background: #e3f2e8; color: #1f6b38; } .status.s4 { background: #fbeee3; color: #8a4a1f; } .status.s5 { background: #fbe3e3; color: #8a1f1f; }
details summary { cursor: pointer; font: 12px ui-monospace, monospace; color: #3565b8; }
@media (max-width: 800px) { body { display: block; } nav { width: auto; height: auto; position: static; } }
`;
