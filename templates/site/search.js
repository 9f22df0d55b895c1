// policygraph site search: runs in the browser over assets/search-data.js,
// which sets window.PG_SEARCH. It ranks as `policygraph search` does, from
// the decisions the data carries (see src/site/search_data.rs): the index's
// terms with their counts and field lengths, the fields' weights, BM25,
// the entities' priors, the synonym table, the exact-name bonus and the
// rule that an instrument that established the best hit follows it.
// Every word must match (in some field); words match as whole terms. The
// terms are split into files (assets/search-terms-N.js), loaded as a query
// needs them.
(function () {
  "use strict";
  var data = window.PG_SEARCH;
  var form = document.getElementById("q");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  if (!data) { return; }
  var lang = document.documentElement.lang;
  // The words of each kind and status in the page's language, by name.
  var kinds = {}, statuses = {};
  try { kinds = JSON.parse((list && list.dataset.kinds) || "{}"); } catch (e) { kinds = {}; }
  try { statuses = JSON.parse((list && list.dataset.statuses) || "{}"); } catch (e) { statuses = {}; }
  function kindLabel(name) { return kinds[name] || name.replace(/_/g, " "); }
  function statusLabel(name) { return statuses[name] || name.replace(/_/g, " "); }
  var fold = {};
  for (var i = 0; i + 1 < data.fold.length; ) {
    var t = String.fromCodePoint(data.fold.codePointAt(i));
    i += t.length;
    var s = String.fromCodePoint(data.fold.codePointAt(i));
    i += s.length;
    fold[t] = s;
  }
  var N = data.rows.length;
  var NF = data.fields.length;

  function isCjk(ch) {
    var c = ch.codePointAt(0);
    return (c >= 0x3040 && c <= 0x30ff) || (c >= 0x3400 && c <= 0x4dbf) ||
      (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xf900 && c <= 0xfaff) ||
      (c >= 0xac00 && c <= 0xd7af) || (c >= 0x20000 && c <= 0x2fa1f);
  }
  function isAlnum(ch) { return /[\p{L}\p{N}]/u.test(ch); }
  // The stem of a word form, as the data's own texts have it (every form
  // they hold, and the synonyms' words, are listed); a form they do not
  // hold matches nothing in them either way, unless a stemmer would make
  // it a term they have, which the browser cannot tell.
  function stem(w) {
    if (Object.prototype.hasOwnProperty.call(data.stems, w)) { return data.stems[w]; }
    return w;
  }
  // Which file of terms holds `term` (src/site/search_data.rs, shard_of).
  function shardOf(term) {
    var h = 2166136261;
    for (var ch of term) { h = Math.imul(h ^ ch.codePointAt(0), 16777619) >>> 0; }
    return h % data.shards;
  }
  var base = (function () {
    var el = document.querySelector('script[src$="search-data.js"]');
    return el ? el.getAttribute("src").replace(/search-data\.js$/, "") : "assets/";
  })();
  var loading = {};
  // Loads the files of `terms` not loaded yet, then calls `done`.
  function need(terms, done) {
    window.PG_TERMS = window.PG_TERMS || {};
    var wanted = {};
    terms.forEach(function (t) { wanted[shardOf(t)] = true; });
    var missing = Object.keys(wanted).filter(function (k) { return !window.PG_TERMS[k]; });
    if (missing.length === 0) { done(); return; }
    var left = missing.length;
    missing.forEach(function (k) {
      var after = function () { left -= 1; if (left === 0) { done(); } };
      if (loading[k]) { loading[k].push(after); return; }
      loading[k] = [after];
      var el = document.createElement("script");
      el.src = base + "search-terms-" + k + ".js";
      el.onload = el.onerror = function () {
        var waiting = loading[k];
        delete loading[k];
        window.PG_TERMS[k] = window.PG_TERMS[k] || {};
        waiting.forEach(function (f) { f(); });
      };
      document.head.appendChild(el);
    });
  }
  // The index's tokenizer (src/text.rs): lowercase words, `401(k)` as
  // `401k`, runs of Chinese as overlapping pairs, folded to Simplified.
  function tokens(text) {
    var chars = Array.from(text);
    var out = [];
    var k = 0;
    while (k < chars.length) {
      var ch = chars[k];
      if (isCjk(ch)) {
        var run = [];
        while (k < chars.length && isCjk(chars[k])) { run.push(fold[chars[k]] || chars[k]); k++; }
        if (run.length === 1) { out.push(run[0]); }
        for (var j = 0; j + 1 < run.length; j++) { out.push(run[j] + run[j + 1]); }
      } else if (isAlnum(ch)) {
        var w = "";
        while (k < chars.length && !isCjk(chars[k])) {
          var c = chars[k];
          if (isAlnum(c)) { w += c.toLowerCase(); k++; continue; }
          if (c === "(" && w.length > 0) {
            var m = chars.slice(k + 1, k + 5).join("").match(/^([A-Za-z0-9]{1,3})\)/);
            if (m) { w += m[1].toLowerCase(); k += m[1].length + 2; continue; }
          }
          break;
        }
        if (w.length <= 48) { out.push(/[a-z]/.test(w) ? stem(w) : w); }
      } else {
        k++;
      }
    }
    return out;
  }
  function normalize(q) {
    var words = q.trim().split(/\s+/).filter(function (w) { return w.length > 0; });
    var out = "", last;
    words.forEach(function (w) {
      var a = Array.from(w).map(function (c) { return fold[c] || c; });
      if (last !== undefined && last.codePointAt(0) < 0x2e80 && a[0].codePointAt(0) < 0x2e80) { out += " "; }
      out += a.join("").toLowerCase();
      last = a[a.length - 1];
    });
    return out;
  }
  function same(a, b) {
    if (a.length !== b.length) { return false; }
    for (var k = 0; k < a.length; k++) { if (a[k] !== b[k]) { return false; } }
    return true;
  }
  // The query as clauses that must all match; each clause is a list of
  // alternatives [weight, [conjunction of term sets]], where a term set is
  // terms that must occur in one field together (a phrase, as near as
  // the data allows). Synonyms widen a word as in src/search/synonyms.rs.
  function clauses(q) {
    var words = q.replace(/["]/g, " ").trim().split(/\s+/).filter(function (w) {
      return tokens(w).length > 0;
    });
    var toks = words.map(tokens);
    var out = [];
    var runs = [];
    var k = 0;
    while (k < words.length) {
      var found = null, seq = [];
      for (var end = k; end < words.length && end < k + 4; end++) {
        seq = seq.concat(toks[end]);
        for (var g = 0; g < data.synonyms.length; g++) {
          if (data.synonyms[g].some(function (e) { return e.length > 0 && same(e, seq); })) {
            found = [end + 1 - k, g, seq.slice()];
          }
        }
      }
      if (found) {
        var typed = found[2];
        var alts = [[1, [typed]]];
        data.synonyms[found[1]].forEach(function (e) {
          if (!same(e, typed)) { alts.push([data.synonym_weight, [e]]); }
        });
        out.push(alts);
        k += found[0];
        continue;
      }
      var w = words[k];
      var cjk = Array.from(w).filter(isCjk);
      if (cjk.length >= 3) {
        // `比特幣儲備`: every character in a pair of the text, as the CLI
        // asks (src/search/syntax.rs, cjk_pairs).
        var pieces = w.split(/([\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]+)/u);
        pieces.forEach(function (p) {
          if (p.length === 0) { return; }
          var pt = tokens(p);
          if (pt.length === 0) { return; }
          if (!isCjk(Array.from(p)[0]) || Array.from(p).length < 3) { out.push([[1, [pt]]]); return; }
          runs.push(pt);
          var last = pt.length - 1;
          out.push([[1, [[pt[0]]]]]);
          for (var c = 2; c < last; c++) { out.push([[1, [[pt[c - 1]]]], [1, [[pt[c]]]]]); }
          out.push([[1, [[pt[last]]]]]);
        });
      } else {
        out.push([[1, [toks[k]]]]);
      }
      k += 1;
    }
    return { clauses: out, runs: runs, plain: words.length > 1 };
  }
  var postingsCache = {};
  // Rows holding `term`, by field: {row: [count per field]}.
  function postings(term) {
    if (postingsCache[term]) { return postingsCache[term]; }
    var shard = window.PG_TERMS[shardOf(term)] || {};
    var flat = Object.prototype.hasOwnProperty.call(shard, term) ? shard[term] : [];
    var byRow = {};
    var df = new Array(NF).fill(0);
    for (var k = 0; k + 2 < flat.length; k += 3) {
      var row = flat[k], field = flat[k + 1];
      if (!byRow[row]) { byRow[row] = new Array(NF).fill(0); }
      byRow[row][field] = flat[k + 2];
      df[field] += 1;
    }
    postingsCache[term] = { rows: byRow, df: df };
    return postingsCache[term];
  }
  function idf(df) { return Math.log(1 + (N - df + 0.5) / (df + 0.5)); }
  function bm25(tf, len, field) {
    var norm = data.k1 * (1 - data.b + data.b * len / (data.avg[field] || 1));
    return tf * (data.k1 + 1) / (tf + norm);
  }
  // The score of a term set in each field of a row (0 where it is not all
  // there), weighted.
  function setScores(set, row) {
    var out = new Array(NF).fill(0);
    var lens = data.rows[row][8];
    for (var f = 0; f < NF; f++) {
      var sum = 0, all = true, idfs = 0, tfMin = Infinity;
      for (var k = 0; k < set.length; k++) {
        var p = postings(set[k]);
        var tf = p.rows[row] ? p.rows[row][f] : 0;
        if (!tf) { all = false; break; }
        idfs += idf(p.df[f]);
        tfMin = Math.min(tfMin, tf);
      }
      if (all && set.length > 0) {
        sum = idfs * bm25(tfMin, lens[f], f);
        out[f] = sum * data.weights[f];
      }
    }
    return out;
  }
  function candidates(alt) {
    // Rows that have every term of the alternative's first set somewhere.
    var set = alt[1][0];
    var rows = null;
    set.forEach(function (t) {
      var r = Object.keys(postings(t).rows);
      rows = rows === null ? r : rows.filter(function (x) { return postings(t).rows[x]; });
    });
    return rows || [];
  }
  // One alternative's score in a row: every set must match in some field.
  function altScore(alt, row) {
    var total = 0;
    for (var k = 0; k < alt[1].length; k++) {
      var sc = setScores(alt[1][k], row);
      var s = sc.reduce(function (a, b) { return a + b; }, 0);
      if (s <= 0) { return 0; }
      total += s;
    }
    return total * alt[0];
  }
  // The terms a query reads.
  function termsOf(parsed) {
    var out = [];
    parsed.clauses.forEach(function (alts) {
      alts.forEach(function (alt) { alt[1].forEach(function (set) { out = out.concat(set); }); });
    });
    parsed.runs.forEach(function (run) { out = out.concat(run); });
    return out;
  }
  // Calls `done` with the hits of `q`, best first, once its terms are in.
  function search(q, done) {
    var parsed = clauses(q);
    need(termsOf(parsed), function () { done(rank(q, parsed)); });
  }
  function rank(q, parsed) {
    var cl = parsed.clauses;
    if (cl.length === 0) { return []; }
    // Candidates: rows matching some alternative of the first clause.
    var rows = {};
    cl[0].forEach(function (alt) { candidates(alt).forEach(function (r) { rows[r] = true; }); });
    var key = normalize(q);
    var exact = {};
    (data.keys[key] || []).forEach(function (r) { exact[r] = true; });
    var hits = [];
    Object.keys(rows).forEach(function (r) {
      var row = +r, score = 0;
      for (var c = 0; c < cl.length; c++) {
        var best = 0;
        cl[c].forEach(function (alt) { best += altScore(alt, row); });
        if (best <= 0) { return; }
        score += best;
      }
      // Lifts: the words as a phrase in a name; a Chinese run as written.
      var names = data.rows[row][10];
      if (parsed.plain && names.split("\n").some(function (n) { return n.indexOf(key) >= 0; })) {
        var nameOnly = 0;
        cl.forEach(function (alts) {
          alts[0][1].forEach(function (set) { nameOnly += setScores(set, row)[0]; });
        });
        score += 3 * nameOnly;
      }
      parsed.runs.forEach(function (run) {
        var sc = setScores(run, row);
        score += 3 * sc.reduce(function (a, b) { return a + b; }, 0);
      });
      score = score * data.rows[row][7] + (exact[row] ? data.exact_bonus : 0);
      hits.push([score, row]);
    });
    hits.sort(function (a, b) {
      return b[0] - a[0] || (data.rows[a[1]][0] < data.rows[b[1]][0] ? -1 : 1);
    });
    // An instrument that established the best hit, and matches too,
    // follows it.
    if (hits.length > 1) {
      var at = 1;
      data.rows[hits[0][1]][9].forEach(function (f) {
        var k = hits.findIndex(function (h) { return h[1] === f; });
        if (k < at) { return; }
        var h = hits.splice(k, 1)[0];
        hits.splice(Math.min(at, hits.length), 0, h);
        at += 1;
      });
    }
    return hits;
  }
  function display(row) {
    if (lang === "zh-Hant" && row[4]) { return [row[4], false]; }
    if (lang === "zh-Hans" && row[5]) { return [row[5], false]; }
    return [row[3], lang !== "en"];
  }
  var latest = 0;
  function run(q) {
    var ticket = ++latest;
    if (tokens(q).length === 0) {
      while (list.firstChild) { list.removeChild(list.firstChild); }
      status.textContent = "";
      return;
    }
    search(q, function (hits) { if (ticket === latest) { show(hits); } });
  }
  function show(hits) {
    while (list.firstChild) { list.removeChild(list.firstChild); }
    status.textContent = hits.length ? hits.length + " " + status.dataset.results : status.dataset.none;
    hits.slice(0, 200).forEach(function (h) {
      var row = data.rows[h[1]];
      var li = document.createElement("li");
      li.dataset.id = row[0];
      var a = document.createElement("a");
      var name = display(row);
      a.href = "e/" + row[0] + ".html";
      a.textContent = name[0];
      if (name[1]) { a.lang = "en"; }
      li.appendChild(a);
      var meta = document.createElement("span");
      meta.className = "muted";
      var parts = [kindLabel(row[1]), row[2], row[0]];
      if (row[6]) { parts.push(statusLabel(row[6])); }
      meta.textContent = " · " + parts.join(" · ");
      li.appendChild(meta);
      list.appendChild(li);
    });
  }
  // The ranking alone, for tests: calls `done` with the ids of the hits of
  // `q`, best first.
  window.PG_SEARCH_IDS = function (q, done) {
    search(q, function (hits) { done(hits.map(function (h) { return data.rows[h[1]][0]; })); });
  };
  if (!list) { return; }
  var q = new URLSearchParams(window.location.search).get("q") || "";
  if (form) { form.value = q; }
  run(q);
  if (form) { form.addEventListener("input", function () { run(form.value); }); }
})();
