// The console's script (console-page.ts): polls the API's own routes and fills the page.
// Every value from the API goes into the page as text (textContent, attributes set one by
// one), never as markup. Kept in plain ES2017 without a build step; served inline with its
// hash in the page's Content-Security-Policy, so that it is the only script that can run.
export const CONSOLE_SCRIPT = String.raw`
(function () {
  "use strict";
  var prefix = document.body.getAttribute("data-prefix") || "";
  // One point per poll: a minute of task lag, three minutes of partition lag (console-page.ts says so).
  var POLL_MS = 2000, HISTORY = 30, PARTITION_HISTORY = 90;
  // Keyed by what the last poll showed, and pruned to it: nothing grows while the page stays open.
  var lagHistory = {}, partitionHistory = {}, lastProcessed = {}, lastNodeTotals = null, lastAt = 0, rates = {};
  var tokenInput = document.getElementById("token");
  tokenInput.value = sessionStorage.getItem("eddy-console-token") || "";

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k]; else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return node;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }
  function headers(extra) {
    var h = Object.assign({ accept: "application/json" }, extra || {});
    var token = tokenInput.value.trim();
    if (token !== "") h.authorization = "Bearer " + token;
    return h;
  }
  function api(path, init) {
    init = init || {};
    return fetch(prefix + path, { method: init.method || "GET", headers: headers(init.headers), body: init.body })
      .then(function (response) {
        return response.text().then(function (text) {
          var body = null;
          try { body = text === "" ? null : JSON.parse(text); } catch (e) { body = text; }
          if (response.status === 401 || response.status === 403) problem("The API refused the request (" + response.status + "): enter a token with the read scope (and command, for commands) above.");
          return { status: response.status, body: body };
        });
      });
  }
  function problem(text) {
    var p = document.getElementById("problem");
    p.hidden = text === "";
    p.textContent = text;
  }
  function pill(id, text, level) {
    var node = document.getElementById(id);
    node.textContent = text;
    node.className = "pill " + level;
  }

  // ----- panels -----
  document.querySelectorAll("#tabs button").forEach(function (tab) {
    tab.addEventListener("click", function () {
      document.querySelectorAll("#tabs button").forEach(function (t) { t.setAttribute("aria-selected", String(t === tab)); });
      document.querySelectorAll(".panel").forEach(function (p) { p.hidden = p.id !== tab.getAttribute("data-panel"); });
    });
  });
  document.getElementById("token-form").addEventListener("submit", function (event) {
    event.preventDefault();
    sessionStorage.setItem("eddy-console-token", tokenInput.value.trim());
    problem("");
    refresh();
    loadStores();
    loadCommands();
  });

  // ----- instances, tasks, lag, restore, rates -----
  function sparkline(values) {
    var ns = "http://www.w3.org/2000/svg", w = 90, h = 20;
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("class", "spark"); svg.setAttribute("width", w); svg.setAttribute("height", h);
    var max = Math.max.apply(null, values.concat([1]));
    var points = values.map(function (v, i) {
      var x = values.length < 2 ? w : (i * w) / (values.length - 1);
      return x.toFixed(1) + "," + (h - 1 - (v / max) * (h - 2)).toFixed(1);
    });
    var line = document.createElementNS(ns, "polyline");
    line.setAttribute("points", points.join(" "));
    svg.appendChild(line);
    return svg;
  }
  function restoreBar(restore) {
    if (!restore) return el("span", { class: "muted", text: "–" });
    var pct = restore.total > 0 ? Math.min(100, (100 * restore.restored) / restore.total) : 100;
    var bar = el("span", { class: "bar", title: restore.restored + " of " + restore.total + " records" }, [el("i", { style: "width:" + pct.toFixed(0) + "%" })]);
    return el("span", { class: "restore" }, [bar, " " + restore.restored + "/" + restore.total + (restore.done ? " done" : "")]);
  }
  function renderInstances(metadata, seconds) {
    var box = clear(document.getElementById("instances"));
    var bySub = {}, seenHistory = {}, seenProcessed = {};
    (metadata.instances || []).forEach(function (instance) {
      var view = instance.view;
      var title = el("h3", {}, [instance.host, el("span", { class: "pill " + (view && view.ready ? "good" : "warn"), text: view ? view.state : "unreachable" })]);
      var card = el("div", { class: "instance", "data-host": instance.host }, [title]);
      if (!view) { card.appendChild(el("p", { class: "muted", text: instance.error || "no answer" })); box.appendChild(card); return; }
      var rows = view.tasks.map(function (task) {
        var key = instance.host + "/" + task.taskId + "/" + task.kind;
        var history = (seenHistory[key] = (lagHistory[key] || []).concat([task.lag]).slice(-HISTORY));
        var rate = "–";
        if (task.recordsProcessed !== undefined) {
          var before = lastProcessed[key];
          seenProcessed[key] = task.recordsProcessed;
          if (before !== undefined && seconds > 0) {
            var r = Math.max(0, (task.recordsProcessed - before) / seconds);
            rate = r.toFixed(1);
            var sub = task.taskId.split("_")[0];
            bySub[sub] = (bySub[sub] || 0) + r;
          }
        }
        var partitions = task.partitions.map(function (p) { return p.topic + "-" + p.partition; }).join(", ");
        return el("tr", { "data-task": task.taskId, "data-kind": task.kind }, [
          el("td", { text: task.taskId }), el("td", { text: task.kind }), el("td", { text: task.state }),
          el("td", { text: partitions }), el("td", { class: "lag", text: String(task.lag) }), el("td", {}, [sparkline(history)]),
          el("td", {}, [restoreBar(task.restore)]), el("td", { class: "task-rate", text: rate }),
        ]);
      });
      var head = el("tr", {}, ["task", "kind", "state", "partitions", "lag", "lag (last minute)", "restore", "records/s"].map(function (h) { return el("th", { text: h }); }));
      card.appendChild(el("table", {}, [el("thead", {}, [head]), el("tbody", {}, rows)]));
      box.appendChild(card);
    });
    lagHistory = seenHistory;
    lastProcessed = seenProcessed;
    return bySub;
  }
  function renderPartitions(metadata) {
    var rows = [], seen = {};
    (metadata.instances || []).forEach(function (instance) {
      ((instance.view && instance.view.tasks) || []).forEach(function (task) {
        task.partitions.forEach(function (p) {
          // Older instances report lag per task only.
          if (typeof p.lag !== "number") return;
          var key = instance.host + "|" + task.kind + "|" + p.topic + "|" + p.partition;
          seen[key] = (partitionHistory[key] || []).concat([p.lag]).slice(-PARTITION_HISTORY);
          rows.push({ host: instance.host, task: task, p: p, history: seen[key] });
        });
      });
    });
    partitionHistory = seen;
    rows.sort(function (a, b) {
      return a.p.topic < b.p.topic ? -1 : a.p.topic > b.p.topic ? 1 : a.p.partition - b.p.partition || (a.task.kind < b.task.kind ? -1 : 1);
    });
    var body = clear(document.querySelector("#partitions tbody"));
    rows.forEach(function (r) {
      body.appendChild(el("tr", { "data-topic": r.p.topic, "data-partition": String(r.p.partition), "data-kind": r.task.kind, "data-host": r.host }, [
        el("td", { text: r.p.topic }), el("td", { text: String(r.p.partition) }), el("td", { text: r.task.taskId }),
        el("td", { text: r.task.kind }), el("td", { text: r.host }), el("td", { class: "partition-lag", text: String(r.p.lag) }),
        el("td", {}, [sparkline(r.history)]),
      ]));
    });
  }
  // Each node's process-total summed over its tasks on every instance; records/s from the
  // change since the last poll, per instance (one that did not answer both times adds no rate).
  function renderNodes(metadata, seconds) {
    var totals = {}, byHost = {}, nodeRates = {};
    (metadata.instances || []).forEach(function (instance) {
      if (!instance.view) return;
      var mine = (byHost[instance.host] = {});
      instance.view.tasks.forEach(function (task) {
        (task.processorNodes || []).forEach(function (n) {
          mine[n.processorNodeId] = (mine[n.processorNodeId] || 0) + n.processTotal;
          totals[n.processorNodeId] = (totals[n.processorNodeId] || 0) + n.processTotal;
        });
      });
      var before = lastNodeTotals && lastNodeTotals[instance.host];
      Object.keys(mine).forEach(function (node) {
        if (!before || !(seconds > 0)) return;
        nodeRates[node] = (nodeRates[node] || 0) + Math.max(0, (mine[node] - (before[node] || 0)) / seconds);
      });
    });
    lastNodeTotals = byHost;
    document.querySelectorAll("[data-node-row]").forEach(function (row) {
      var node = row.getAttribute("data-node-row");
      row.querySelector(".node-total").textContent = totals[node] === undefined ? "–" : String(totals[node]);
      row.querySelector(".node-rate").textContent = nodeRates[node] === undefined ? "–" : nodeRates[node].toFixed(1);
    });
    document.querySelectorAll("text[data-node]").forEach(function (badge) {
      var rate = nodeRates[badge.getAttribute("data-node")];
      badge.textContent = rate === undefined ? "–" : rate.toFixed(1) + "/s";
    });
  }
  function renderRates(metadata, bySub) {
    var subs = {};
    (metadata.instances || []).forEach(function (instance) {
      ((instance.view && instance.view.tasks) || []).forEach(function (task) {
        if (task.kind !== "active") return;
        var sub = task.taskId.split("_")[0];
        subs[sub] = subs[sub] || { tasks: 0, lag: 0 };
        subs[sub].tasks += 1;
        subs[sub].lag += task.lag;
      });
    });
    var body = clear(document.querySelector("#rates tbody"));
    Object.keys(subs).sort(function (a, b) { return a - b; }).forEach(function (sub) {
      var rate = bySub[sub] === undefined ? "–" : bySub[sub].toFixed(1);
      rates[sub] = rate;
      body.appendChild(el("tr", { "data-subtopology": sub }, [el("td", { text: sub }), el("td", { text: String(subs[sub].tasks) }), el("td", { class: "sub-rate", text: rate }), el("td", { text: String(subs[sub].lag) })]));
    });
    document.querySelectorAll("[data-rate]").forEach(function (node) {
      var rate = rates[node.getAttribute("data-rate")];
      node.textContent = rate === undefined ? "(no tasks running)" : rate + " records/s";
    });
  }
  function refresh() {
    Promise.all([api("/metadata"), api("/health"), api("/ready")]).then(function (answers) {
      var metadata = answers[0], health = answers[1], ready = answers[2];
      if (metadata.status !== 200) return;
      var now = Date.now(), seconds = lastAt === 0 ? 0 : (now - lastAt) / 1000;
      lastAt = now;
      var m = metadata.body;
      pill("state", m.state, m.state === "RUNNING" ? "good" : m.state === "ERROR" ? "bad" : "warn");
      var status = health.body && health.body.status;
      pill("health", "health " + (status || health.status), status === "UP" ? "good" : status === "DOWN" ? "bad" : "warn");
      pill("ready", ready.status === 200 ? "ready" : "not ready", ready.status === 200 ? "good" : "warn");
      var stalled = clear(document.getElementById("stalled"));
      ((health.body && health.body.stalled) || []).forEach(function (s) {
        stalled.appendChild(el("p", { class: "problem", text: "Task " + (s.taskId || "(none)") + " is stalled (" + s.kind + "): " + s.reason }));
      });
      renderRates(m, renderInstances(m, seconds));
      renderPartitions(m);
      renderNodes(m, seconds);
      document.getElementById("updated").textContent = "updated " + new Date(now).toLocaleTimeString();
    }).catch(function (error) { problem("The API did not answer: " + error.message); });
  }

  // ----- store browser -----
  var cursor = null;
  function loadStores() {
    api("/stores").then(function (answer) {
      if (answer.status !== 200) return;
      var select = clear(document.getElementById("store"));
      answer.body.stores.forEach(function (s) {
        select.appendChild(el("option", { value: s.name, text: s.name + " (" + s.keySerde + " → " + s.valueSerde + (s.global ? ", global" : "") + ")" }));
      });
    });
  }
  function showStore(answer, append) {
    var box = document.getElementById("store-result");
    if (!append) clear(box);
    if (answer.status !== 200) {
      box.appendChild(el("p", { class: "problem", text: answer.status + ": " + ((answer.body && answer.body.message) || "") }));
      document.getElementById("next-page").hidden = true;
      return;
    }
    if (answer.body.entries === undefined) {
      box.appendChild(el("pre", { class: "value", text: JSON.stringify(answer.body.value, null, 2) }));
      return;
    }
    var table = box.querySelector("table") || box.appendChild(el("table", {}, [el("thead", {}, [el("tr", {}, [el("th", { text: "key" }), el("th", { text: "value" })])]), el("tbody")]));
    answer.body.entries.forEach(function (e) {
      table.querySelector("tbody").appendChild(el("tr", { class: "entry" }, [el("td", { text: JSON.stringify(e.key) }), el("td", { text: JSON.stringify(e.value) })]));
    });
    cursor = answer.body.nextCursor;
    document.getElementById("next-page").hidden = cursor === null;
  }
  function storePath() { return "/stores/" + encodeURIComponent(document.getElementById("store").value) + "/keys"; }
  function scan(append) {
    var params = new URLSearchParams({ limit: "20" });
    var prefixText = document.getElementById("prefix").value;
    if (prefixText !== "") params.set("prefix", prefixText);
    if (append && cursor) params.set("cursor", cursor);
    api(storePath() + "?" + params.toString()).then(function (answer) { showStore(answer, append); });
  }
  document.getElementById("store-form").addEventListener("submit", function (event) {
    event.preventDefault();
    api(storePath() + "/" + encodeURIComponent(document.getElementById("key").value)).then(function (answer) { showStore(answer, false); });
  });
  document.getElementById("scan").addEventListener("click", function () { scan(false); });
  document.getElementById("next-page").addEventListener("click", function () { scan(true); });

  // ----- a form per command endpoint, from its schema in the API's document -----
  function skeleton(schema, depth) {
    schema = schema || {};
    if (depth > 6) return null;
    if (schema.const !== undefined) return schema.const;
    if (Array.isArray(schema.enum)) return schema.enum[0];
    if (schema.default !== undefined) return schema.default;
    var options = schema.anyOf || schema.oneOf;
    if (Array.isArray(options)) return skeleton(options[0], depth + 1);
    var type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
    if (type === "object" || schema.properties) {
      var out = {};
      Object.keys(schema.properties || {}).forEach(function (k) { out[k] = skeleton(schema.properties[k], depth + 1); });
      return out;
    }
    if (type === "array") return [];
    if (type === "integer" || type === "number") return typeof schema.minimum === "number" ? schema.minimum : (typeof schema.exclusiveMinimum === "number" ? schema.exclusiveMinimum + 1 : 0);
    if (type === "boolean") return false;
    if (type === "string") return "";
    return null;
  }
  function variantName(schema, i) {
    var props = (schema && schema.properties) || {};
    for (var k in props) if (props[k] && props[k].const !== undefined) return k + ": " + JSON.stringify(props[k].const);
    return "variant " + (i + 1);
  }
  function commandForm(path, operation) {
    var content = ((operation.requestBody || {}).content || {})["application/json"] || {};
    var schema = content.schema || {};
    var variants = schema.anyOf || schema.oneOf || [schema];
    var body = el("textarea", { name: "body", spellcheck: "false" });
    body.value = JSON.stringify(skeleton(variants[0], 0), null, 2);
    var select = el("select", { name: "variant" }, variants.map(function (v, i) { return el("option", { value: String(i), text: variantName(v, i) }); }));
    select.addEventListener("change", function () { body.value = JSON.stringify(skeleton(variants[Number(select.value)], 0), null, 2); });
    var key = el("input", { name: "key", placeholder: "the command key (aggregate id)" });
    var result = el("div", { class: "command-result" });
    var form = el("form", { class: "command", "data-path": path }, [
      el("h3", {}, ["POST " + path]), el("p", { class: "muted", text: operation.summary || "" }),
      el("label", {}, ["Key ", key]), variants.length > 1 ? el("label", {}, ["Command ", select]) : null,
      body, el("button", { type: "submit", text: "Send" }), result,
    ]);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var parsed;
      try { parsed = JSON.parse(body.value); } catch (e) { clear(result).appendChild(el("p", { class: "problem", text: "Not JSON: " + e.message })); return; }
      api(path + "?key=" + encodeURIComponent(key.value), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(parsed) })
        .then(function (answer) {
          clear(result).appendChild(el("pre", { class: "reply", "data-status": String(answer.status), text: answer.status + "\n" + JSON.stringify(answer.body, null, 2) }));
        });
    });
    return form;
  }
  function loadCommands() {
    api("/docs/json").then(function (answer) {
      if (answer.status !== 200) return;
      var box = document.getElementById("command-forms");
      var paths = Object.keys(answer.body.paths || {}).filter(function (p) { return /\/commands\/[^/{]+$/.test(p) && answer.body.paths[p].post; });
      if (paths.length === 0) return;
      clear(box);
      paths.forEach(function (p) { box.appendChild(commandForm(p.slice(prefix.length), answer.body.paths[p].post)); });
    });
  }

  refresh();
  loadStores();
  loadCommands();
  setInterval(refresh, POLL_MS);
})();
`;
