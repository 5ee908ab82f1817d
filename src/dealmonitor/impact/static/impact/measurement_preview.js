// The measurement form: show what the indicator's figure becomes with the value typed, by
// the rule the page states (added up, or the level that replaces the organisation's previous
// one). Without JavaScript the page still says the rule and the current figure.
(function () {
  "use strict";
  function parse(text) {
    text = (text || "").trim().replace(/\s/g, "");
    if (document.documentElement.lang === "en" && text.indexOf(".") >= 0) text = text.replace(/,/g, "");
    if (text.indexOf(",") >= 0 && text.indexOf(".") >= 0) text = text.replace(/\./g, "");
    text = text.replace(",", ".");
    if (!/^-?\d+(\.\d+)?$/.test(text)) return null;
    return parseFloat(text);
  }
  function show(number) {  // a decimal comma on Dutch pages, a point under /en/
    var text = String(Math.round(number * 10000) / 10000);
    return document.documentElement.lang === "en" ? text : text.replace(".", ",");
  }
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("meting-uitleg");
    var input = document.querySelector("input[name=value]");
    var out = document.getElementById("waarde-wordt");
    if (!box || !input || !out) return;
    var own = JSON.parse(document.getElementById("meting-eigen").textContent || "{}");
    var org = document.querySelector("select[name=reporting_organisation]");
    function update() {
      var value = parse(input.value);
      if (value === null) { out.textContent = ""; return; }
      var current = parse(box.dataset.current) || 0;
      var mode = box.dataset.mode, result = value;
      if (mode === "add") result = current + value;
      else if (mode === "replace_own") result = current - (parse(own[org ? org.value : ""]) || 0) + value;
      out.textContent = box.dataset.becomes + ": " + show(result) + ".";
    }
    input.addEventListener("input", update);
    if (org) org.addEventListener("change", update);
    update();
  });
})();
