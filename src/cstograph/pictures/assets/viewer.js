// cstograph interactive view: a canvas drawing of a precomputed layout, with filters by
// alliance and period, hover tooltips and a details panel. No library, no network access.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("graph-data").textContent);
  var nodes = data.nodes, edges = data.edges;
  var canvas = document.getElementById("canvas");
  var ctx = canvas.getContext("2d");
  var tooltip = document.getElementById("tooltip");
  var details = document.getElementById("details");
  var large = data.large;
  var view = { scale: 1, x: 0, y: 0 };  // screen = world * scale + (x, y)
  var hovered = -1, selected = -1, dirty = true, userMoved = false;
  var visibleNode = new Array(nodes.length), visibleEdge = new Array(edges.length);
  var adjacency = nodes.map(function () { return []; });
  edges.forEach(function (e, i) {
    adjacency[e.s].push(i); adjacency[e.t].push(i);
    if (e.path) {  // the route's bounding box, to skip edges off screen
      e.box = [Infinity, Infinity, -Infinity, -Infinity];
      e.path.forEach(function (pt) {
        e.box = [Math.min(e.box[0], pt[0]), Math.min(e.box[1], pt[1]), Math.max(e.box[2], pt[0]), Math.max(e.box[3], pt[1])];
      });
    }
  });

  // ------------------------------------------------------------ sizes and shapes
  function size(n) {
    if (large) return n.kind === "request" ? [22, 22] : [12, 12];
    if (n.kind === "state") return [110, 40];
    if (n.kind === "request") return [150, 72];
    if (n.kind === "membership" || n.kind === "source" || n.kind === "other") return [120, 34];
    return [150, 58];
  }
  nodes.forEach(function (n, i) { var s = size(n); n.w = s[0]; n.h = s[1]; n.index = i; });

  // ------------------------------------------------------------ period and alliance filters
  function year(iso) { return iso ? parseInt(iso.slice(0, 4), 10) : null; }
  var minYear = Infinity, maxYear = -Infinity;
  nodes.forEach(function (n) {
    var a = year(n.date || n.start), b = year(n.end) || a;
    n.y0 = a; n.y1 = b;
    if (a !== null) { minYear = Math.min(minYear, a); maxYear = Math.max(maxYear, b); }
  });
  edges.forEach(function (e) { e.y0 = year(e.start); e.y1 = e.end ? year(e.end) : null; });
  var fromInput = document.getElementById("from"), toInput = document.getElementById("to");
  if (minYear === Infinity) { minYear = maxYear = new Date().getFullYear(); }
  [fromInput, toInput].forEach(function (input) { input.min = minYear; input.max = maxYear; });
  fromInput.value = minYear; toInput.value = maxYear;

  var allianceSelect = document.getElementById("alliance");
  data.alliances.forEach(function (a, i) {
    var option = document.createElement("option");
    option.value = String(i); option.textContent = a.label;
    allianceSelect.appendChild(option);
  });

  function applyFilters() {
    var from = parseInt(fromInput.value, 10), to = parseInt(toInput.value, 10);
    if (isNaN(from)) from = minYear;
    if (isNaN(to)) to = maxYear;
    var periodActive = from > minYear || to < maxYear;
    var alliance = allianceSelect.value === "" ? -1 : parseInt(allianceSelect.value, 10);
    function allianceOk(n) { return alliance < 0 || n.alliances.indexOf(alliance) >= 0; }
    var i, frontier = [];
    for (i = 0; i < nodes.length; i++) {
      var n = nodes[i];
      if (!allianceOk(n)) { visibleNode[i] = false; continue; }
      if (!periodActive) { visibleNode[i] = true; continue; }
      if (n.y0 !== null) {
        visibleNode[i] = n.y0 <= to && n.y1 >= from;
        if (visibleNode[i]) frontier.push(i);
      } else {
        visibleNode[i] = false;
      }
    }
    if (periodActive) {
      // undated nodes (states, treaties, obligations, alliances) join when a visible dated node
      // reaches them within three steps through undated nodes
      var depth = 0;
      while (frontier.length && depth < 3) {
        var next = [];
        frontier.forEach(function (k) {
          adjacency[k].forEach(function (ei) {
            var e = edges[ei], other = e.s === k ? e.t : e.s;
            if (!visibleNode[other] && nodes[other].y0 === null && allianceOk(nodes[other]) && periodOk(e, from, to)) {
              visibleNode[other] = true; next.push(other);
            }
          });
        });
        frontier = next; depth++;
      }
    }
    var shown = 0, shownEdges = 0;
    for (i = 0; i < nodes.length; i++) if (visibleNode[i]) shown++;
    for (i = 0; i < edges.length; i++) {
      var e = edges[i];
      visibleEdge[i] = visibleNode[e.s] && visibleNode[e.t] && (!periodActive || periodOk(e, from, to));
      if (visibleEdge[i]) shownEdges++;
    }
    var count = document.getElementById("count");
    count.className = shown ? "" : "miss";
    count.textContent = shown ? shown + " of " + nodes.length + " nodes, " + shownEdges + " edges shown" :
      emptyReason(from, to, alliance);
    dirty = true;
  }
  // why the filters leave nothing: a period that ends before it starts, or nothing dated then
  function emptyReason(from, to, alliance) {
    if (from > to) return "nothing shown: the period runs from " + from + " back to " + to + "; put the earlier year first";
    var who = alliance >= 0 ? data.alliances[alliance].label + " has" : "the data has";
    return "nothing shown: " + who + " nothing dated " + from + (to !== from ? "\u2013" + to : "") +
      " (the data runs from " + minYear + " to " + maxYear + ")";
  }
  function periodOk(e, from, to) {
    if (e.y0 === null) return true;
    return e.y0 <= to && (e.y1 === null || e.y1 >= from);
  }

  // ------------------------------------------------------------ drawing
  // The canvas is absolutely positioned in its stage, so its drawing buffer never feeds back
  // into the layout; the buffer follows the canvas's own CSS box (times devicePixelRatio)
  // whenever that box changes (header wrapping, window resize, zoom of the page).
  var box = { w: 1, h: 1, ratio: 1 };
  function resize() {
    var ratio = window.devicePixelRatio || 1, w = canvas.clientWidth, h = canvas.clientHeight;
    if (w === box.w && h === box.h && ratio === box.ratio && canvas.width === Math.max(1, Math.round(w * ratio))) return;
    box = { w: Math.max(1, w), h: Math.max(1, h), ratio: ratio };
    canvas.width = Math.max(1, Math.round(box.w * ratio));
    canvas.height = Math.max(1, Math.round(box.h * ratio));
    ctx.setTransform(canvas.width / box.w, 0, 0, canvas.height / box.h, 0, 0);
    dirty = true;
  }
  // the smallest node text, in CSS pixels; below it a caption line is left out, never shrunk
  var MIN_TEXT = 11, MAX_TEXT = 16, FEW = 1000;
  // fit(true): the whole drawing, however small. fit(): the first view, the whole drawing when
  // its text is readable at that size, else READABLE_SCALE from the top left (drag for the rest)
  function fit(whole) {
    var rect = { width: box.w, height: box.h }, x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    nodes.forEach(function (n, i) {
      if (!visibleNode[i]) return;
      x0 = Math.min(x0, n.x - n.w / 2); x1 = Math.max(x1, n.x + n.w / 2);
      y0 = Math.min(y0, n.y - n.h / 2); y1 = Math.max(y1, n.y + n.h / 2);
    });
    var boxesOnly = [x0, y0, x1, y1];
    if (!large) edges.forEach(function (e, i) {  // routes that swing out past the boxes
      if (!visibleEdge[i] || !e.box) return;
      x0 = Math.min(x0, e.box[0]); y0 = Math.min(y0, e.box[1]); x1 = Math.max(x1, e.box[2]); y1 = Math.max(y1, e.box[3]);
    });
    if (x0 === Infinity) { x0 = y0 = 0; x1 = y1 = 1; }
    var pad = 20, w = Math.max(x1 - x0, 1), h = Math.max(y1 - y0, 1);
    var all = Math.min((rect.width - 2 * pad) / w, (rect.height - 2 * pad) / h, 2.5);
    // a filter frames what it leaves, all of it; unfiltered, a drawing too big to read whole
    // opens on the unmet cases (the unmet requests and their neighbours), readable
    var k = whole === true || large || filtered() || all >= READABLE_SCALE ? all : READABLE_SCALE;
    if (k !== all) {
      var a = unmetBox(false);
      // more unmet cases than a readable screen holds: the newest of them and its neighbours
      if (a && ((a[2] - a[0]) * k > rect.width - 2 * pad || (a[3] - a[1]) * k > rect.height - 2 * pad)) a = unmetBox(true);
      // no unmet case: the top left of the boxes, not of routes that swing out into empty space
      if (!a && boxesOnly[0] !== Infinity) a = boxesOnly;
      if (a) { x0 = a[0]; y0 = a[1]; w = Math.max(a[2] - a[0], 1); h = Math.max(a[3] - a[1], 1); }
    }
    view.scale = k;
    view.x = k * w <= rect.width - 2 * pad ? (rect.width - w * k) / 2 - x0 * k : pad - x0 * k;
    view.y = k * h <= rect.height - 2 * pad ? (rect.height - h * k) / 2 - y0 * k : pad - y0 * k;
    dirty = true;
  }
  function filtered() {
    for (var i = 0; i < nodes.length; i++) if (!visibleNode[i]) return true;
    return false;
  }
  // the box of the visible unmet requests (newestOnly: of the newest of them) and their visible
  // neighbours, or null when none is shown
  function unmetBox(newestOnly) {
    var b = null, newest = "";
    if (newestOnly) nodes.forEach(function (n, i) {
      if (visibleNode[i] && n.kind === "request" && n.status === "unmet" && (n.date || "") > newest) newest = n.date || "";
    });
    function add(n) {
      if (!b) b = [Infinity, Infinity, -Infinity, -Infinity];
      b[0] = Math.min(b[0], n.x - n.w / 2); b[1] = Math.min(b[1], n.y - n.h / 2);
      b[2] = Math.max(b[2], n.x + n.w / 2); b[3] = Math.max(b[3], n.y + n.h / 2);
    }
    nodes.forEach(function (n, i) {
      if (!visibleNode[i] || n.kind !== "request" || n.status !== "unmet") return;
      if (newestOnly && (n.date || "") !== newest) return;
      add(n);
      adjacency[i].forEach(function (ei) {
        var other = edges[ei].s === i ? edges[ei].t : edges[ei].s;
        if (visibleNode[other]) add(nodes[other]);
      });
    });
    return b;
  }
  // a request box (150 x 72 at scale 1) holds two lines of MIN_TEXT px text from this scale on
  var READABLE_SCALE = 0.85;
  function roundedRect(x, y, w, h, r) {
    ctx.beginPath();
    ctx.moveTo(x + r, y); ctx.lineTo(x + w - r, y); ctx.quadraticCurveTo(x + w, y, x + w, y + r);
    ctx.lineTo(x + w, y + h - r); ctx.quadraticCurveTo(x + w, y + h, x + w - r, y + h);
    ctx.lineTo(x + r, y + h); ctx.quadraticCurveTo(x, y + h, x, y + h - r);
    ctx.lineTo(x, y + r); ctx.quadraticCurveTo(x, y, x + r, y); ctx.closePath();
  }
  function shapePath(n, sx, sy, w, h) {
    if (large || n.kind === "state") {
      ctx.beginPath(); ctx.ellipse(sx, sy, w / 2, h / 2, 0, 0, Math.PI * 2);
    } else {
      roundedRect(sx - w / 2, sy - h / 2, w, h, Math.min(8, h / 4));
    }
  }
  function border(n, sx, sy, w, h) {
    // where the segment from the centre towards (sx, sy) leaves the node's box
    return function (tx, ty) {
      var dx = tx - sx, dy = ty - sy, s = Math.max(Math.abs(dx) / (w / 2), Math.abs(dy) / (h / 2), 1e-9);
      return [sx + dx / Math.max(s, 1), sy + dy / Math.max(s, 1)];
    };
  }
  function draw() {
    dirty = false;
    var W = box.w, H = box.h, k = view.scale;
    ctx.save(); ctx.setTransform(1, 0, 0, 1, 0, 0); ctx.clearRect(0, 0, canvas.width, canvas.height); ctx.restore();
    ctx.fillStyle = "#ffffff"; ctx.fillRect(0, 0, W, H);
    var drawnNodes = 0, drawnEdges = 0, i;
    var labelEdges = !large && k * 9 >= 6.5;
    // edges
    ctx.lineWidth = 1;
    var edgeLabels = [];
    // a large graph's faint edges go into one path, stroked once (thousands of strokes per
    // frame made every zoom step slow)
    var faint = large ? new Path2D() : null;
    for (i = 0; i < edges.length; i++) {
      if (!visibleEdge[i]) continue;
      var e = edges[i], a = nodes[e.s], b = nodes[e.t];
      var ax = a.x * k + view.x, ay = a.y * k + view.y, bx = b.x * k + view.x, by = b.y * k + view.y;
      var line;  // the edge on screen: Graphviz's route around the boxes, or a straight segment
      if (e.path && !large) {
        if (e.box[2] * k + view.x < 0 || e.box[0] * k + view.x > W || e.box[3] * k + view.y < 0 || e.box[1] * k + view.y > H) continue;
        line = e.path.map(function (pt) { return [pt[0] * k + view.x, pt[1] * k + view.y]; });
      } else {
        if (Math.max(ax, bx) < 0 || Math.min(ax, bx) > W || Math.max(ay, by) < 0 || Math.min(ay, by) > H) continue;
        line = [border(a, ax, ay, a.w * k, a.h * k)(bx, by), border(b, bx, by, b.w * k, b.h * k)(ax, ay)];
      }
      var p = line[line.length - 2], q = line[line.length - 1];
      var near = hovered >= 0 && (e.s === hovered || e.t === hovered) || selected >= 0 && (e.s === selected || e.t === selected);
      if (faint && !near) {
        faint.moveTo(line[0][0], line[0][1]); faint.lineTo(q[0], q[1]);
        drawnEdges++;
        continue;
      }
      ctx.strokeStyle = near ? "#222222" : (large ? "rgba(120,120,120,0.25)" : (e.dashed ? "#8a7fb0" : "#8c8c8c"));
      ctx.lineWidth = near ? 2 : 1;
      ctx.setLineDash(e.dashed ? [3, 3] : []);
      ctx.beginPath(); ctx.moveTo(line[0][0], line[0][1]);
      for (var m = 1; m < line.length; m++) ctx.lineTo(line[m][0], line[m][1]);
      ctx.stroke();
      ctx.setLineDash([]);
      if (!large) arrow(p[0], p[1], q[0], q[1], ctx.strokeStyle);
      if (labelEdges || near) edgeLabels.push([line, e.label, near]);
      drawnEdges++;
    }
    if (faint) { ctx.lineWidth = 1; ctx.strokeStyle = "rgba(120,120,120,0.25)"; ctx.stroke(faint); }
    // nodes
    var shownCount = 0;
    for (i = 0; i < nodes.length; i++) if (visibleNode[i]) shownCount++;
    // a large graph names its dots once zoomed in, or once the filters leave few enough of them
    var showText = !large || k >= 1.2 || shownCount <= FEW, boxes = [], textSizes = [], whole = [], dotLabels = [];
    var dots = {};  // fill colour -> one path of plain dots (large graphs)
    for (i = 0; i < nodes.length; i++) {
      if (!visibleNode[i]) continue;
      var n = nodes[i], sx = n.x * k + view.x, sy = n.y * k + view.y, w = n.w * k, h = n.h * k;
      if (sx + w / 2 < 0 || sx - w / 2 > W || sy + h / 2 < 0 || sy - h / 2 > H) continue;  // off screen
      if (large && i !== hovered && i !== selected && i !== focus && !n.contested) {
        var path = dots[n.fill] || (dots[n.fill] = new Path2D());
        path.moveTo(sx + w / 2, sy); path.ellipse(sx, sy, w / 2, h / 2, 0, 0, Math.PI * 2);
        boxes.push([sx - w / 2 - 2, sy - h / 2 - 2, sx + w / 2 + 2, sy + h / 2 + 2]);
        if (showText) dotLabels.push(i);
        drawnNodes++;
        continue;
      }
      shapePath(n, sx, sy, Math.max(w, 3), Math.max(h, 3));
      ctx.fillStyle = n.fill; ctx.fill();
      ctx.lineWidth = i === hovered || i === selected ? 2.5 : (n.kind === "request" && !large ? 3 : (large ? 0.5 : 1));
      ctx.strokeStyle = i === selected ? "#000000" : (n.kind === "request" ? "#222222" : "#777777");
      ctx.setLineDash(n.kind === "response" && !n.help ? [4, 3] : []);
      ctx.stroke(); ctx.setLineDash([]);
      if (n.contested) {  // a second border outside the first
        var pad = large ? 4 : Math.max(3, 5 * k);
        shapePath(n, sx, sy, Math.max(w, 3) + 2 * pad, Math.max(h, 3) + 2 * pad);
        ctx.lineWidth = 2; ctx.strokeStyle = data.contestedMark; ctx.stroke();
      }
      if (showText && !large) { var used = text(n, sx, sy, w, h, k); if (used) textSizes.push(used); }
      if (showText && large) dotLabels.push(i);
      boxes.push([sx - w / 2 - 2, sy - h / 2 - 2, sx + w / 2 + 2, sy + h / 2 + 2]);
      if (sx - w / 2 >= 0 && sx + w / 2 <= W && sy - h / 2 >= 0 && sy + h / 2 <= H) whole.push(n.label);
      if (i === focus) {  // the node --focus named: a thick blue ring (no status uses blue)
        shapePath(n, sx, sy, Math.max(w, 3) + 10, Math.max(h, 3) + 10);
        ctx.lineWidth = 3; ctx.strokeStyle = data.focusRing; ctx.stroke();
      }
      drawnNodes++;
    }
    ctx.lineWidth = 0.5; ctx.strokeStyle = "#777777";
    Object.keys(dots).forEach(function (fill) { ctx.fillStyle = fill; ctx.fill(dots[fill]); ctx.stroke(dots[fill]); });
    // a large graph's names: under each dot, left out where one would overlap another
    var named = [];
    ctx.font = MIN_TEXT + "px DejaVu Sans, Arial, sans-serif"; ctx.textAlign = "center"; ctx.textBaseline = "middle";
    dotLabels.forEach(function (j) {
      var n = nodes[j], sx = n.x * k + view.x, sy = n.y * k + view.y + n.h * k / 2 + MIN_TEXT * 0.7 + 2;
      var label = cut(n.label, 200), half = ctx.measureText(label).width / 2 + 2;
      var r = [sx - half, sy - MIN_TEXT * 0.6, sx + half, sy + MIN_TEXT * 0.6];
      if (overlapsAny(r, named)) return;
      named.push(r); textSizes.push(MIN_TEXT);
      ctx.lineWidth = 3; ctx.strokeStyle = "rgba(255,255,255,0.85)"; ctx.strokeText(label, sx, sy);
      ctx.fillStyle = "#1a1a1a"; ctx.fillText(label, sx, sy);
    });
    // edge labels on top, with a white halo, each where along its edge it covers no node and
    // no other label; a label with no such place is left out (hover or select a node for its links)
    var labelSize = Math.max(10, Math.min(12, 9 * k)), placed = [];
    ctx.font = labelSize + "px DejaVu Sans, Arial, sans-serif";
    ctx.textAlign = "center"; ctx.textBaseline = "middle";
    edgeLabels.sort(function (a, b) { return (b[2] ? 1 : 0) - (a[2] ? 1 : 0); });
    edgeLabels.forEach(function (l) {
      var half = ctx.measureText(l[1]).width / 2 + 2, hh = labelSize / 2 + 2;
      for (var t = 0; t < ALONG.length; t++) {
        var at = pointAlong(l[0], ALONG[t]), x = at[0], y = at[1];
        var r = [x - half, y - hh, x + half, y + hh];
        if (overlapsAny(r, boxes) || overlapsAny(r, placed)) continue;
        placed.push(r);
        ctx.lineWidth = 3; ctx.strokeStyle = "rgba(255,255,255,0.9)"; ctx.strokeText(l[1], x, y);
        ctx.fillStyle = "#444444"; ctx.fillText(l[1], x, y);
        return;
      }
    });
    // drawnNodes/drawnEdges: painted on the canvas in this frame (visible after the filters, and on screen);
    // nodeBoxes/labelBoxes: screen boxes (canvas CSS pixels) of the nodes and edge labels drawn
    window.cstographView = { nodes: nodes.length, edges: edges.length, drawnNodes: drawnNodes, drawnEdges: drawnEdges,
                             scale: k, locate: locate, nodeBoxes: boxes, labelBoxes: placed,
                             minNodeText: textSizes.length ? Math.min.apply(null, textSizes) : null,
                             labelledNodes: textSizes.length, onScreen: whole, selected: selected >= 0 ? nodes[selected].label : null,
                             focus: focus >= 0 ? nodes[focus].label : null,
                             canvas: { cssWidth: box.w, cssHeight: box.h, width: canvas.width, height: canvas.height,
                                       ratio: box.ratio, clientWidth: canvas.clientWidth, clientHeight: canvas.clientHeight } };
    document.documentElement.setAttribute("data-rendered-nodes", String(drawnNodes));
  }
  // screen position (CSS pixels, relative to the page) of the first node with this label, for tests and scripts
  function locate(label) {
    var rect = canvas.getBoundingClientRect();
    for (var i = 0; i < nodes.length; i++) {
      if (nodes[i].label === label) return { x: rect.left + canvas.clientLeft + nodes[i].x * view.scale + view.x,
                                             y: rect.top + canvas.clientTop + nodes[i].y * view.scale + view.y, visible: !!visibleNode[i] };
    }
    return null;
  }
  var ALONG = [0.5, 0.38, 0.62, 0.27, 0.73, 0.18, 0.82];
  // the point at this fraction of a polyline's length
  function pointAlong(line, fraction) {
    var total = 0, j;
    for (j = 1; j < line.length; j++) total += Math.hypot(line[j][0] - line[j - 1][0], line[j][1] - line[j - 1][1]);
    var goal = total * fraction;
    for (j = 1; j < line.length; j++) {
      var d = Math.hypot(line[j][0] - line[j - 1][0], line[j][1] - line[j - 1][1]);
      if (goal <= d && d > 0) {
        var f = goal / d;
        return [line[j - 1][0] + (line[j][0] - line[j - 1][0]) * f, line[j - 1][1] + (line[j][1] - line[j - 1][1]) * f];
      }
      goal -= d;
    }
    return line[line.length - 1];
  }
  function overlapsAny(r, list) {
    for (var j = 0; j < list.length; j++) {
      var o = list[j];
      if (r[0] < o[2] && r[2] > o[0] && r[1] < o[3] && r[3] > o[1]) return true;
    }
    return false;
  }
  function arrow(x0, y0, x1, y1, colour) {
    var angle = Math.atan2(y1 - y0, x1 - x0), s = 7;
    ctx.fillStyle = colour; ctx.beginPath(); ctx.moveTo(x1, y1);
    ctx.lineTo(x1 - s * Math.cos(angle - 0.4), y1 - s * Math.sin(angle - 0.4));
    ctx.lineTo(x1 - s * Math.cos(angle + 0.4), y1 - s * Math.sin(angle + 0.4));
    ctx.closePath(); ctx.fill();
  }
  // Text never shrinks below MIN_TEXT px: lines that do not fit the box are left out, a line
  // too wide is cut with an ellipsis, and a box too small for one line shows no text (the
  // tooltip names it). Returns the font size used, or 0 when nothing was written.
  function text(n, sx, sy, w, h, k) {
    var lines = large ? [n.label] : n.caption, size = Math.max(MIN_TEXT, Math.min(MAX_TEXT, 11 * k));
    if (large) size = MIN_TEXT;
    var lineHeight = size * 1.15;
    if (!large) {
      var room = Math.floor((h - 4) / lineHeight);
      if (room < 1 || w < 4 * size) return 0;
      if (lines.length > room) lines = lines.slice(0, room);
    }
    ctx.font = (n.kind === "request" ? "bold " : "") + size + "px DejaVu Sans, Arial, sans-serif";
    ctx.textAlign = "center"; ctx.textBaseline = "middle";
    ctx.fillStyle = large ? "#1a1a1a" : n.text;
    var top = (large ? sy + h / 2 + lineHeight / 2 + 2 : sy - (lines.length - 1) * lineHeight / 2);
    for (var j = 0; j < lines.length; j++) ctx.fillText(cut(lines[j], large ? 220 : w - 8), sx, top + j * lineHeight);
    return size;
  }
  function cut(line, width) {
    if (ctx.measureText(line).width <= width) return line;
    var lo = 0, hi = line.length;
    while (lo < hi) { var mid = (lo + hi + 1) >> 1; if (ctx.measureText(line.slice(0, mid) + "…").width <= width) lo = mid; else hi = mid - 1; }
    return line.slice(0, lo) + "…";
  }
  function loop() { if (dirty) draw(); window.requestAnimationFrame(loop); }

  // ------------------------------------------------------------ interaction
  function nodeAt(px, py) {
    var k = view.scale, best = -1, bestArea = Infinity;
    for (var i = 0; i < nodes.length; i++) {
      if (!visibleNode[i]) continue;
      var n = nodes[i], sx = n.x * k + view.x, sy = n.y * k + view.y;
      var hw = Math.max(n.w * k, 6) / 2, hh = Math.max(n.h * k, 6) / 2;
      if (Math.abs(px - sx) <= hw && Math.abs(py - sy) <= hh && hw * hh < bestArea) { best = i; bestArea = hw * hh; }
    }
    return best;
  }
  function describe(n, full) {
    var parts = [];
    parts.push("<strong>" + esc(n.label) + "</strong>");
    parts.push("<div>" + esc(n.kindName) + (n.detail ? " · " + esc(n.detail) : "") + "</div>");
    if (n.status) parts.push('<div class="status-' + esc(n.status) + '">' + esc(n.statusWords) + "</div>");
    if (n.contested) {
      parts.push('<div class="contested">CONTESTED: each account says</div><ul class="accounts">' +
        n.accounts.map(function (a) { return "<li>" + esc(a.account) + ": " + esc(a.status) + "</li>"; }).join("") + "</ul>");
    }
    if (n.answer) parts.push("<div>" + esc(n.answer) + "</div>");
    var dates = n.date ? n.date : (n.start ? n.start + " – " + (n.end || (n.kind === "event" ? "" : "ongoing")) : "");
    if (dates) parts.push("<div>" + esc(dates) + "</div>");
    if (full) {
      var list = "<dl>";
      if (n.reason) list += "<dt>Why</dt><dd>" + esc(n.reason) + "</dd>";
      if (n.description) list += "<dt>Description</dt><dd>" + esc(n.description) + "</dd>";
      if (n.properties) list += "<dt>Properties</dt><dd>" + esc(n.properties) + "</dd>";
      if (n.sources.length) list += "<dt>Sources</dt>" + n.sources.map(function (s) { return "<dd>• " + sourceHtml(s) + "</dd>"; }).join("");
      var links = adjacency[n.index].map(function (ei) {
        var e = edges[ei];
        return e.s === n.index ? e.label + " → " + nodes[e.t].label : "← " + e.label + " · " + nodes[e.s].label;
      });
      if (links.length) list += "<dt>Links</dt>" + links.slice(0, 40).map(function (l) { return "<dd>" + esc(l) + "</dd>"; }).join("") +
        (links.length > 40 ? "<dd>… and " + (links.length - 40) + " more</dd>" : "");
      list += '<dt>IRI</dt><dd class="iri">' + esc(n.iri) + "</dd></dl>";
      parts.push(list);
    } else if (n.sources.length) {
      parts.push("<div>" + n.sources.length + " source(s); click for details</div>");
    }
    return parts.join("");
  }
  // "title (publisher) <https://...>": the title links to the address (http and https only)
  function sourceHtml(s) {
    var m = /^(.*?)\s*<(https?:\/\/[^\s<>"]+)>\s*$/.exec(s);
    if (!m) return esc(s);
    return '<a href="' + esc(m[2]) + '" rel="noopener noreferrer" target="_blank">' + esc(m[1] || m[2]) + "</a>";
  }
  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]; });
  }
  var drag = null;
  canvas.addEventListener("mousedown", function (ev) {
    drag = { x: ev.clientX, y: ev.clientY, vx: view.x, vy: view.y, moved: false };
    canvas.classList.add("dragging");
  });
  window.addEventListener("mouseup", function (ev) {
    if (drag && !drag.moved) {
      var rect = canvas.getBoundingClientRect(), i = nodeAt(ev.clientX - rect.left, ev.clientY - rect.top);
      if (ev.target === canvas) select(i);
    }
    drag = null; canvas.classList.remove("dragging");
  });
  canvas.addEventListener("mousemove", function (ev) {
    var rect = canvas.getBoundingClientRect(), px = ev.clientX - rect.left, py = ev.clientY - rect.top;
    if (drag) {
      if (Math.abs(ev.clientX - drag.x) + Math.abs(ev.clientY - drag.y) > 3) drag.moved = true;
      view.x = drag.vx + ev.clientX - drag.x; view.y = drag.vy + ev.clientY - drag.y; dirty = true; userMoved = true;
      tooltip.style.display = "none";
      return;
    }
    var i = nodeAt(px, py);
    if (i !== hovered) { hovered = i; dirty = true; }
    if (i >= 0) {
      tooltip.innerHTML = describe(nodes[i], false);
      tooltip.style.display = "block";
      tooltip.style.left = Math.min(px + 14, rect.width - 370) + "px";
      tooltip.style.top = Math.min(py + 14, rect.height - 120) + "px";
    } else {
      tooltip.style.display = "none";
    }
  });
  canvas.addEventListener("mouseleave", function () { tooltip.style.display = "none"; hovered = -1; dirty = true; });
  canvas.addEventListener("wheel", function (ev) {
    ev.preventDefault();
    var rect = canvas.getBoundingClientRect(), px = ev.clientX - rect.left, py = ev.clientY - rect.top;
    var factor = Math.exp(-ev.deltaY * (ev.deltaMode === 1 ? 0.05 : 0.0015));
    var scale = Math.min(8, Math.max(0.01, view.scale * factor));
    view.x = px - (px - view.x) * scale / view.scale; view.y = py - (py - view.y) * scale / view.scale;
    view.scale = scale; dirty = true; userMoved = true;
  }, { passive: false });
  function select(i) {
    selected = i; dirty = true;
    if (window.cstographView) window.cstographView.selected = i >= 0 ? nodes[i].label : null;
    details.innerHTML = i >= 0 ? describe(nodes[i], true) : "Hover over a node to see it; click it to pin its details here.";
  }
  [fromInput, toInput, allianceSelect].forEach(function (input) {
    input.addEventListener("change", function () { applyFilters(); fit(); });
  });
  document.getElementById("fit").addEventListener("click", function () { fit(); });
  document.getElementById("whole").addEventListener("click", function () { fit(true); });
  var find = document.getElementById("find"), datalist = document.getElementById("labels");
  nodes.slice(0, 3000).forEach(function (n) { var o = document.createElement("option"); o.value = n.label; datalist.appendChild(o); });
  var findStatus = document.getElementById("find-status");
  // Find matches labels, IRIs and the captions of the boxes ("Armenia → CSTO"), also on a large
  // page that draws dots and names instead; Enter steps to the next match, the status line says
  // which one is shown
  var found = { q: null, matches: [], at: 0 };
  function searchText(n) { return (n.label + "\n" + n.iri + "\n" + (n.caption || []).join(" ")).toLowerCase(); }
  function runFind(advance) {
    var q = find.value.trim().toLowerCase().replace(/\s+/g, " ");
    if (q && q === found.q && (!advance || !found.matches.length)) return;  // the change after Enter
    findStatus.textContent = ""; findStatus.className = "";
    if (!q) { found = { q: null, matches: [], at: 0 }; return; }
    if (q === found.q) {
      found.at = (found.at + 1) % found.matches.length;
    } else {
      var exact = [], partial = [], j;
      for (j = 0; j < nodes.length; j++) {
        var n = nodes[j];
        if (n.label.toLowerCase() === q || n.iri.toLowerCase() === q) exact.push(j);
        else if (searchText(n).replace(/\s+/g, " ").indexOf(q) >= 0) partial.push(j);
      }
      found = { q: q, matches: exact.concat(partial), at: 0 };
    }
    if (!found.matches.length) { findStatus.textContent = "no match for \u201c" + find.value.trim() + "\u201d"; findStatus.className = "miss"; return; }
    var i = found.matches[found.at];
    findStatus.textContent = found.matches.length > 1 ?
      "showing " + (found.at + 1) + " of " + found.matches.length + " matches (Enter: next)" : "found";
    if (!visibleNode[i]) { allianceSelect.value = ""; fromInput.value = minYear; toInput.value = maxYear; applyFilters(); }
    view.scale = Math.max(view.scale, 1);
    view.x = box.w / 2 - nodes[i].x * view.scale; view.y = box.h / 2 - nodes[i].y * view.scale;
    userMoved = true;
    select(i);
  }
  find.addEventListener("keydown", function (ev) { if (ev.key === "Enter") { ev.preventDefault(); runFind(true); } });
  find.addEventListener("change", function () { runFind(false); });
  // the box changes when the header wraps or the window resizes: keep the buffer in step
  var firstFit = false;
  function boxChanged() { resize(); if (!firstFit || !userMoved) { fit(); firstFit = true; } draw(); }
  if (window.ResizeObserver) new ResizeObserver(boxChanged).observe(canvas);
  window.addEventListener("resize", boxChanged);

  // ------------------------------------------------------------ legend and notes
  var legend = document.getElementById("legend");
  data.legend.forEach(function (entry) {
    var row = document.createElement("div"); row.className = "legend-row";
    var swatch = document.createElement("span");
    swatch.className = "swatch" + (entry.dashed ? " dashed" : "") + (entry.double ? " double" : "");
    swatch.style.background = entry.colour;
    if (entry.border) swatch.style.borderColor = entry.border;
    if (entry.ring) swatch.style.borderWidth = "3px";
    var label = document.createElement("span"); label.textContent = entry.text;
    row.appendChild(swatch); row.appendChild(label); legend.appendChild(row);
  });
  document.getElementById("notes").textContent = data.notes.join(" · ");

  var focus = typeof data.focus === "number" ? data.focus : -1;
  resize(); applyFilters(); fit(); if (focus >= 0) select(focus); draw(); loop();
})();
