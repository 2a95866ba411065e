// The report's explorer: a term plot (each lemma placed by its count in the two groups of a
// contrast, coloured by its log-odds z), keyword-in-context lines for the term clicked or
// searched, and a sentence table filtered by group, frame, tone, voice and actor.
// Plain DOM code, no library; every piece of text is set with textContent.
(function () {
  "use strict";
  var source = document.getElementById("explorer-data");
  if (!source) { return; }
  var data = JSON.parse(source.textContent);
  var SVG = "http://www.w3.org/2000/svg";
  var W = 640, H = 440, PAD = 44;
  var plot = 0, chosen = null;

  function el(tag, attrs, text) {
    var node = tag.indexOf("svg:") === 0 ? document.createElementNS(SVG, tag.slice(4))
      : document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }
  function byId(id) { return document.getElementById(id); }
  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }

  // a colour between white and the group's colour, by |z| (3 and more: the full colour)
  function mix(hex, weight) {
    var rgb = [1, 3, 5].map(function (i) { return parseInt(hex.slice(i, i + 2), 16); });
    return "rgb(" + rgb.map(function (c) {
      return Math.round(235 + (c - 235) * weight);
    }).join(",") + ")";
  }
  function colourOf(p, z) {
    var side = z > 0 ? p.a : p.b;
    return mix(data.colours[side] || "#999999", Math.min(1, Math.abs(z) / 3));
  }
  // a small fixed offset per term (from its letters), so that terms with the same counts
  // do not hide each other; the same page always draws the same plot
  function jitter(term, k) {
    var h = 7 * k + 1;
    for (var i = 0; i < term.length; i++) { h = (h * 31 + term.charCodeAt(i)) % 9973; }
    return (h / 9973 - 0.5) * 8;
  }
  function label(group) { return group === data.rest ? "the other groups" : group; }

  function drawPlot() {
    var p = data.plots[plot], svg = byId("term-plot");
    clear(svg);
    var maxA = 1, maxB = 1;
    p.terms.forEach(function (t) { maxA = Math.max(maxA, t[1]); maxB = Math.max(maxB, t[2]); });
    var x = function (n) { return PAD + (W - 2 * PAD) * Math.log(1 + n) / Math.log(1 + maxA); };
    var y = function (n) { return H - PAD - (H - 2 * PAD) * Math.log(1 + n) / Math.log(1 + maxB); };
    svg.appendChild(el("svg:line", {x1: PAD, y1: H - PAD, x2: W - PAD, y2: H - PAD, stroke: "#888"}));
    svg.appendChild(el("svg:line", {x1: PAD, y1: PAD, x2: PAD, y2: H - PAD, stroke: "#888"}));
    svg.appendChild(el("svg:line", {x1: x(0), y1: y(0), x2: x(maxA), y2: y(maxB),
                                    stroke: "#ccc", "stroke-dasharray": "4 4"}));
    svg.appendChild(el("svg:text", {x: W / 2, y: H - 8, "text-anchor": "middle",
                                    "font-size": 12}, "uses in " + label(p.a) + " (log scale)"));
    svg.appendChild(el("svg:text", {x: 14, y: H / 2, "text-anchor": "middle", "font-size": 12,
                                    transform: "rotate(-90 14 " + H / 2 + ")"},
                       "uses in " + label(p.b) + " (log scale)"));
    var order = p.terms.slice().sort(function (s, t) { return Math.abs(s[5]) - Math.abs(t[5]); });
    order.forEach(function (t) {
      var c = el("svg:circle", {cx: (x(t[1]) + jitter(t[0], 1)).toFixed(1),
                                cy: (y(t[2]) + jitter(t[0], 2)).toFixed(1),
                                r: t[6] ? 5 : 3.5, fill: colourOf(p, t[5]),
                                stroke: t[6] ? "#333" : "none", "stroke-width": 0.6,
                                "data-term": t[0], tabindex: 0, role: "button"});
      c.appendChild(el("svg:title", {}, t[0] + ": " + t[1] + " in " + label(p.a) + ", " + t[2] +
                       " in " + label(p.b) + "; z " + t[5].toFixed(2)));
      c.addEventListener("click", function () { show(t[0]); });
      c.addEventListener("keydown", function (e) { if (e.key === "Enter") { show(t[0]); } });
      svg.appendChild(c);
    });
    // names of the most distinctive terms of each side, none over another
    var placed = [];
    [1, -1].forEach(function (sign) {
      order.filter(function (t) { return sign * t[5] > 0; }).slice(-8).reverse()
        .forEach(function (t) {
          var lx = x(t[1]) + jitter(t[0], 1) + 6, ly = y(t[2]) + jitter(t[0], 2) - 4;
          var w = 6 * t[0].length;
          if (placed.some(function (q) {
            return Math.abs(q[1] - ly) < 11 && lx < q[0] + q[2] && q[0] < lx + w;
          })) { return; }
          placed.push([lx, ly, w]);
          svg.appendChild(el("svg:text", {x: lx.toFixed(1), y: ly.toFixed(1), "font-size": 10,
                                          "pointer-events": "none", fill: "#333"}, t[0]));
        });
    });
    var list = byId("explorer-terms");
    clear(list);
    p.terms.map(function (t) { return t[0]; }).sort().forEach(function (term) {
      list.appendChild(el("option", {value: term}));
    });
    byId("plot-note").textContent = p.terms.length + " of the " + p.total + " lemmas of " +
      label(p.b) + " against " + label(p.a) + " (the most frequent, and every distinctive one). " +
      "Colour: the group a term leans to, stronger with |z| (3 and more: full colour); " +
      "circled: distinctive. Click a term or search for one.";
    if (chosen) { show(chosen, true); }
  }

  function kwicLine(ref) {
    var s = data.sentences[ref[0]], start = ref[1] - s[1], end = ref[2] - s[1];
    var li = el("li", {"class": "kwic-line"});
    li.appendChild(el("span", {"class": "left"}, s[8].slice(0, start)));
    li.appendChild(el("mark", {}, s[8].slice(start, end)));
    li.appendChild(el("span", {"class": "right"}, s[8].slice(end)));
    li.appendChild(el("span", {"class": "where"}, s[0] + ", characters " + ref[1] + "\u2013" +
                      ref[2] + " (sentence " + s[1] + "\u2013" + s[2] + ") \u00b7 " + s[3]));
    return li;
  }

  function show(term, quiet) {
    var p = data.plots[plot], box = byId("kwic");
    var row = p.terms.filter(function (t) { return t[0] === term; })[0];
    clear(box);
    Array.prototype.forEach.call(document.querySelectorAll("#term-plot circle.chosen"),
      function (c) { c.setAttribute("class", ""); });
    if (!row) {
      chosen = null;
      box.appendChild(el("p", {"class": "note"}, "\u201c" + term + "\u201d is not among the " +
        p.terms.length + " lemmas of this plot; every lemma is in tables/keyness.csv."));
      return;
    }
    chosen = term;
    var dot = document.querySelector('#term-plot circle[data-term="' + CSS.escape(term) + '"]');
    if (dot) { dot.setAttribute("class", "chosen"); dot.parentNode.appendChild(dot); }
    var rate = function (r) { return r.toFixed(r > 0 && r < 1 ? 2 : 1); };
    box.appendChild(el("h3", {}, "\u201c" + term + "\u201d: " + row[1] + " in " + label(p.a) +
      " (" + rate(row[3]) + " per 1,000 words), " + row[2] + " in " + label(p.b) + " (" +
      rate(row[4]) + "); log-odds z " + row[5].toFixed(2) + (row[6] ? ", distinctive of " + label(row[6]) : "")));
    [[p.b, p.members_b], [p.a, p.members_a]].forEach(function (side) {
      var lines = [], n = 0;
      side[1].forEach(function (g) {
        var hit = (data.kwic[term] || {})[g];
        if (hit) { n += hit.n; lines = lines.concat(hit.lines); }
      });
      box.appendChild(el("h4", {}, label(side[0]) + ": " + lines.length + " of " + n +
                         " occurrence" + (n === 1 ? "" : "s") + " shown"));
      var ul = el("ul", {"class": "kwic"});
      lines.forEach(function (ref) { ul.appendChild(kwicLine(ref)); });
      box.appendChild(ul);
    });
    if (!quiet) { box.scrollIntoView({block: "nearest"}); }
  }

  function options(select, values, all) {
    select.appendChild(el("option", {value: ""}, all));
    values.forEach(function (v) { select.appendChild(el("option", {value: v}, v.replace(/_/g, " "))); });
  }

  function drawTable() {
    var want = {};
    ["group", "frame", "tone", "voice", "actor"].forEach(function (k) {
      want[k] = byId("filter-" + k).value;
    });
    var rows = data.table.map(function (i) { return data.sentences[i]; }).filter(function (s) {
      return (!want.group || s[3] === want.group) && (!want.frame || s[4] === want.frame) &&
        (!want.tone || s[5] === want.tone) && (!want.voice || s[6] === want.voice) &&
        (!want.actor || s[7].indexOf(want.actor) >= 0);
    });
    var body = byId("sentence-rows");
    clear(body);
    rows.slice(0, 100).forEach(function (s) {
      var tr = el("tr");
      [s[0], s[1] + "\u2013" + s[2], s[3], s[4].replace(/_/g, " "), s[5], s[6], s[7].join(", "),
       s[8]].forEach(function (v) { tr.appendChild(el("td", {}, v)); });
      body.appendChild(tr);
    });
    var of = data.table.length < data.body_sentences ? " (the table holds " +
      data.table.length + " of the " + data.body_sentences + " body sentences, the first of " +
      "each group; all are in tables/sentences.csv)" : "";
    byId("sentence-count").textContent = rows.length + " sentence" + (rows.length === 1 ? "" : "s") +
      " match" + (rows.length === 1 ? "es" : "") + (rows.length > 100 ? ", the first 100 shown" : "") + of + ".";
  }

  var pick = byId("plot-choice");
  if (data.plots.length > 1) {
    data.plots.forEach(function (p, i) {
      pick.appendChild(el("option", {value: i}, label(p.b) + " against " + label(p.a)));
    });
    pick.addEventListener("change", function () { plot = +pick.value; drawPlot(); });
  } else {
    pick.parentNode.style.display = "none";
  }
  byId("term-search").addEventListener("change", function (e) {
    var term = e.target.value.trim();
    if (term) { show(term); }
  });
  options(byId("filter-group"), data.groups, "every group");
  options(byId("filter-frame"), data.frames, "every frame");
  options(byId("filter-tone"), data.tones, "every tone");
  options(byId("filter-voice"), data.voices, "every voice");
  options(byId("filter-actor"), data.actors, "any actor");
  ["group", "frame", "tone", "voice", "actor"].forEach(function (k) {
    byId("filter-" + k).addEventListener("change", drawTable);
  });
  if (data.plots.length) { drawPlot(); }
  drawTable();
}());
