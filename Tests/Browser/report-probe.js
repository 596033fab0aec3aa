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
  // Each embedded image is also loaded into an <img> added before the load event, so that the event waits
  // for it and its decoding can be read off synchronously (a decode() promise may outlive --dump-dom).
  var decoders = [];
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("svg.media image").forEach(function (image) {
      var img = document.createElement("img");
      img.hidden = true;
      img.src = image.getAttribute("href");
      document.body.appendChild(img);
      decoders.push([image.id, img]);
    });
  });
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
    result.images = decoders.length;
    decoders.forEach(function (pair) {
      if (!(pair[1].complete && pair[1].naturalWidth > 0)) result.undecoded.push(pair[0]);
    });
    var pre = document.createElement("pre");
    pre.id = "probe";
    pre.textContent = JSON.stringify(result);
    document.body.appendChild(pre);
  });
})();
