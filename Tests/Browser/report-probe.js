// Injected at the top of a copy of an HTML report by BrowserTests: records script errors, then, once the page's
// own script has run, what the page shows: JSON in a pre element with id "probe", for `chromium --dump-dom` to hand back.
(function () {
  "use strict";
  var errors = [];
  window.addEventListener("error", function (event) { errors.push(String(event.message)); });
  var consoleError = console.error;
  console.error = function () {
    errors.push(Array.prototype.join.call(arguments, " "));
    consoleError.apply(console, arguments);
  };
  function key(article) {
    return article.dataset.rule + "@" + (article.querySelector(".place code") || {}).textContent;
  }
  window.addEventListener("load", function () {
    var result = { errors: errors, findings: 0, visible: [], hidden: [], pictured: [], unpictured: [], undrawn: [],
                   images: 0, undecoded: [] };
    document.querySelectorAll("article.finding").forEach(function (article) {
      result.findings += 1;
      var shown = !article.hidden && article.offsetParent !== null;
      (shown ? result.visible : result.hidden).push({ rule: article.dataset.rule, severity: article.dataset.severity,
                                                      label: article.dataset.label });
      if (!article.dataset.picture) return;
      var svg = article.querySelector("figure.picture svg.scene");
      if (!svg) { result.unpictured.push(key(article)); return; }
      result.pictured.push(key(article));
      if (!shown) return;
      var subject = svg.querySelector("g.subject");
      var box = subject && subject.getBBox();
      var rendered = svg.getBoundingClientRect();
      if (!box || box.width + box.height <= 0 || rendered.width <= 0 || rendered.height <= 0) result.undrawn.push(key(article));
    });
    var images = Array.prototype.slice.call(document.querySelectorAll("svg.media image"));
    result.images = images.length;
    Promise.all(images.map(function (image) {
      var probe = new Image();
      probe.src = image.getAttribute("href");
      return probe.decode().catch(function () { result.undecoded.push(image.id); });
    })).then(function () {
      var pre = document.createElement("pre");
      pre.id = "probe";
      pre.textContent = JSON.stringify(result);
      document.body.appendChild(pre);
    });
  });
})();
