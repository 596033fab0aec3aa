/// The HTML page's style sheet and script, written into every page (the page loads nothing).
enum HTMLAssets {
    static let style = """
        :root{--error:#c62828;--warning:#b26a00;--info:#1565c0;--fg:#1b1b1b;--muted:#666;--line:#ddd;--bg:#fafafa}
        *{box-sizing:border-box}
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg);margin:0}
        header{position:sticky;top:0;z-index:2;background:#fff;border-bottom:1px solid var(--line);padding:.5rem 1.2rem}
        header h1{font-size:1.1rem;margin:.2rem 0}
        main{padding:0 1.2rem 2rem;max-width:1200px}
        h2{font-size:1.15rem;margin:1.4rem 0 .2rem;word-break:break-all}
        h3{font-size:1rem;margin:1.2rem 0 .4rem;border-bottom:1px solid var(--line)}
        h4{font-size:.95rem;margin:.9rem 0 .3rem;font-weight:600}
        code,pre{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,monospace;font-size:.85em}
        .facts,.place,.media-note,.none,.summary{color:var(--muted)}
        .summary{font-weight:400}
        .verdict{font-size:1.05rem;padding:.5rem .8rem;border-radius:6px;margin:.4rem 0}
        .verdict.no{background:#fdecea;border:1px solid #f5c2c0}
        .verdict.yes{background:#e8f5e9;border:1px solid #b9dfbb}
        .verdict.lossy{background:#fff8e1;border:1px solid #f1d790}
        .badge{display:inline-block;border-radius:10px;padding:0 .5em;color:#fff;font-size:.8em;font-weight:600}
        .badge.error{background:var(--error)}.badge.warning{background:var(--warning)}.badge.info{background:var(--info)}
        .tag{display:inline-block;border-radius:3px;padding:0 .35em;font-size:.78em;border:1px solid}
        .tag.lossless{color:#2e7d32;border-color:#2e7d32}.tag.lossy{color:#b26a00;border-color:#b26a00}
        .n{color:var(--muted);font-weight:400}
        #filters{display:flex;flex-wrap:wrap;gap:.4rem 1rem;align-items:center;margin:.3rem 0}
        #filters input,#filters select{font:inherit;padding:.1rem .3rem}
        #shown{color:var(--muted)}
        table{border-collapse:collapse;width:100%;background:#fff}
        th,td{border:1px solid var(--line);padding:.2rem .5rem;text-align:left;vertical-align:top}
        td.num{text-align:right;font-variant-numeric:tabular-nums}
        ul.actions{padding-left:1.2rem}
        .finding{background:#fff;border:1px solid var(--line);border-left:4px solid var(--info);border-radius:4px;padding:.3rem .7rem;margin:.4rem 0}
        .finding[data-severity=error]{border-left-color:var(--error)}
        .finding[data-severity=warning]{border-left-color:var(--warning)}
        .finding p{margin:.2rem 0}
        [hidden]{display:none!important}
        pre.excerpt{background:#f4f4f4;padding:.3rem .5rem;overflow-x:auto;margin:.3rem 0}
        pre .ln{color:var(--muted);user-select:none}
        figure.picture{margin:.4rem 0;display:inline-block;cursor:zoom-in;background:#fff}
        figure.picture svg.scene{display:block;max-width:100%;height:auto;background:repeating-conic-gradient(#eee 0 25%,#fff 0 50%) 0 0/16px 16px}
        figure.picture figcaption{color:var(--muted);font-size:.8em}
        figure.picture.zoom{position:fixed;inset:0;z-index:10;margin:0;display:flex;flex-direction:column;align-items:center;justify-content:center;background:rgba(0,0,0,.85);cursor:zoom-out}
        figure.picture.zoom svg.scene{max-width:96vw;max-height:90vh;width:96vw;height:90vh}
        figure.picture.zoom figcaption{color:#eee}
        svg.media{position:absolute;width:0;height:0;overflow:hidden}
        svg.scene rect.canvas{fill:#fff;stroke:#bbb;stroke-dasharray:4 4;vector-effect:non-scaling-stroke}
        svg.scene g *{vector-effect:non-scaling-stroke;stroke-linejoin:round}
        svg.scene g.other *{fill:none;stroke:#00e5ff;stroke-width:1.2;opacity:.85}
        svg.scene g.other circle{fill:#00e5ff}
        svg.scene g.subject *{fill:rgba(255,23,68,.18);stroke:#ff1744;stroke-width:2.5}
        svg.scene g.subject polyline,svg.scene g.subject line{fill:none}
        svg.scene g.subject circle{fill:#ff1744}
        svg.scene g .back{stroke-dasharray:5 3}
        svg.scene g path.mask{stroke:none}
        svg.scene g.other path.mask{fill:#00bcd4;opacity:.3}
        svg.scene g.subject path.mask{fill:rgba(255,23,68,.55)}
        svg.scene g .cut{fill:none;stroke-dasharray:2 2}
        svg.scene g circle.outside{opacity:.35}
        svg.scene g.subject circle.marker{fill:none;stroke:#ff1744;stroke-width:2;stroke-dasharray:3 2;vector-effect:non-scaling-stroke}
        figure.chart{margin:.6rem 0}
        figure.chart figcaption{font-weight:600;margin-bottom:.2rem}
        figure.chart svg{max-width:100%;height:auto;font-size:12px}
        figure.chart rect.bar{fill:#5c6bc0}figure.chart rect.faint{fill:#c5cae9}
        figure.chart rect.error{fill:var(--error)}figure.chart rect.warning{fill:var(--warning)}figure.chart rect.info{fill:var(--info)}
        footer{color:var(--muted);padding:1rem 1.2rem;font-size:.8em}
        """

    /// Filters (severity at least, rule, label, text) kept in the URL fragment, e.g. `#severity=error&rule=media-missing`,
    /// and a zoom on click. Plain script; it runs once the page has loaded.
    static let script = """
        (function () {
          "use strict";
          var form = document.getElementById("filters");
          var rank = { info: 0, warning: 1, error: 2 };
          var names = ["severity", "rule", "label", "q"];
          function readFragment() {
            var state = {};
            location.hash.replace(/^#/, "").split("&").forEach(function (part) {
              if (!part) return;
              var pair = part.split("=");
              var key = decodeURIComponent(pair[0]);
              if (names.indexOf(key) >= 0) state[key] = decodeURIComponent((pair[1] || "").replace(/\\+/g, " "));
            });
            return state;
          }
          function writeFragment(state) {
            var parts = names.filter(function (key) { return state[key]; }).map(function (key) {
              return encodeURIComponent(key) + "=" + encodeURIComponent(state[key]);
            });
            var hash = parts.length ? "#" + parts.join("&") : "";
            if (hash !== location.hash) history.replaceState(null, "", hash || location.pathname + location.search);
          }
          function apply(state) {
            var findings = document.querySelectorAll("article.finding");
            var shown = 0;
            var query = (state.q || "").toLowerCase();
            findings.forEach(function (finding) {
              var visible = (!state.severity || rank[finding.dataset.severity] >= rank[state.severity])
                && (!state.rule || finding.dataset.rule === state.rule)
                && (!state.label || finding.dataset.label === state.label)
                && (!query || finding.dataset.search.indexOf(query) >= 0);
              finding.hidden = !visible;
              if (visible) shown += 1;
            });
            document.querySelectorAll("section.group").forEach(function (group) {
              group.hidden = !group.querySelector("article.finding:not([hidden])");
            });
            var output = document.getElementById("shown");
            if (output) output.textContent = shown + " of " + findings.length + " findings shown";
          }
          function fromFragment() {
            var state = readFragment();
            names.forEach(function (key) { if (form && form.elements[key]) form.elements[key].value = state[key] || ""; });
            apply(state);
          }
          if (form) {
            form.addEventListener("input", function () {
              var state = {};
              names.forEach(function (key) { state[key] = form.elements[key].value; });
              writeFragment(state);
              apply(state);
            });
          }
          window.addEventListener("hashchange", fromFragment);
          document.addEventListener("click", function (event) {
            var figure = event.target.closest && event.target.closest("figure.picture");
            if (figure) figure.classList.toggle("zoom");
          });
          document.addEventListener("keydown", function (event) {
            if (event.key === "Escape") document.querySelectorAll("figure.picture.zoom").forEach(function (figure) {
              figure.classList.remove("zoom");
            });
          });
          fromFragment();
        })();
        """
}
