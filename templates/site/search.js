// policygraph site search: runs in the browser over assets/search-data.js,
// which sets window.PG_SEARCH. Text in the data is lowercase, Traditional
// Chinese folded to Simplified, without spaces beside Chinese characters;
// the query is put in the same form. Every term must occur.
(function () {
  "use strict";
  var data = window.PG_SEARCH;
  var form = document.getElementById("q");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  if (!data || !list) { return; }
  var lang = document.documentElement.lang;
  // The words of each kind in the page's language, by name (the page
  // lists every kind).
  var kinds = {};
  try { kinds = JSON.parse(list.dataset.kinds || "{}"); } catch (e) { kinds = {}; }
  function kindLabel(name) { return kinds[name] || name.replace(/_/g, " "); }
  var fold = {};
  for (var i = 0; i + 1 < data.fold.length; ) {
    var t = String.fromCodePoint(data.fold.codePointAt(i));
    i += t.length;
    var s = String.fromCodePoint(data.fold.codePointAt(i));
    i += s.length;
    fold[t] = s;
  }
  function cjk(ch) { return ch !== undefined && ch.codePointAt(0) >= 0x2e80; }
  function normalize(q) {
    var out = [];
    for (var ch of q.toLowerCase()) { out.push(fold[ch] || ch); }
    var words = out.join("").split(/\s+/).filter(function (w) { return w.length > 0; });
    var joined = "";
    var last;
    words.forEach(function (w) {
      var first = Array.from(w)[0];
      if (last !== undefined && !cjk(last) && !cjk(first)) { joined += " "; }
      joined += w;
      last = Array.from(w).pop();
    });
    return joined;
  }
  function terms(q) {
    // Split at spaces; a run of Chinese is one term.
    return normalize(q).split(" ").map(function (w) {
      return w.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N})]+$/gu, "");
    }).filter(function (w) { return w.length > 0; });
  }
  function score(row, ts, whole) {
    var names = row[6], summaries = row[7], total = 0;
    for (var k = 0; k < ts.length; k++) {
      var t = ts[k];
      if (names.indexOf(t) >= 0) { total += 3; }
      else if (summaries.indexOf(t) >= 0) { total += 1; }
      else if (t.length > 3 && t.endsWith("s") && names.indexOf(t.slice(0, -1)) >= 0) { total += 2; }
      else if (t.length > 3 && t.endsWith("s") && summaries.indexOf(t.slice(0, -1)) >= 0) { total += 1; }
      else { return 0; }
    }
    if (names.split("\n").indexOf(whole) >= 0) { total += 10; }
    return total;
  }
  function display(row) {
    if (lang === "zh-Hant" && row[4]) { return [row[4], false]; }
    if (lang === "zh-Hans" && row[5]) { return [row[5], false]; }
    return [row[3], lang !== "en"];
  }
  function run(q) {
    while (list.firstChild) { list.removeChild(list.firstChild); }
    var ts = terms(q);
    if (ts.length === 0) { status.textContent = ""; return; }
    var whole = normalize(q);
    var hits = [];
    data.rows.forEach(function (row) {
      var sc = score(row, ts, whole);
      if (sc > 0) { hits.push([sc, row]); }
    });
    hits.sort(function (a, b) { return b[0] - a[0] || (a[1][3] < b[1][3] ? -1 : a[1][3] > b[1][3] ? 1 : 0); });
    status.textContent = hits.length ? hits.length + " " + status.dataset.results : status.dataset.none;
    hits.slice(0, 200).forEach(function (h) {
      var row = h[1];
      var li = document.createElement("li");
      var a = document.createElement("a");
      var name = display(row);
      a.href = "e/" + row[0] + ".html";
      a.textContent = name[0];
      if (name[1]) { a.lang = "en"; }
      li.appendChild(a);
      var meta = document.createElement("span");
      meta.className = "muted";
      meta.textContent = " · " + kindLabel(row[1]) + " · " + row[2] + " · " + row[0];
      li.appendChild(meta);
      list.appendChild(li);
    });
  }
  var q = new URLSearchParams(window.location.search).get("q") || "";
  if (form) { form.value = q; }
  run(q);
  if (form) { form.addEventListener("input", function () { run(form.value); }); }
})();
