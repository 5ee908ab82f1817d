/* The partner network: arrow keys move between the names (one tab stop for the whole
   picture), focus or hover shows what a deal or an organisation is linked with, Enter jumps
   to its row in the tables.
   Tables with class dm-sortable sort by a column when its header button is pressed.
   Without this script the circles are plain links to the table rows. */
(function () {
  "use strict";

  function initNetwork() {
    var svg = document.getElementById("network");
    if (!svg) return;
    var nodes = Array.prototype.slice.call(svg.querySelectorAll(".dm-network__node"));
    var lines = Array.prototype.slice.call(svg.querySelectorAll("line"));
    var details = document.getElementById("network-details");

    function show(node) {
      var slug = node.getAttribute("data-slug");
      var isDeal = node.classList.contains("dm-network__deal");
      var names = [];
      lines.forEach(function (line) {
        var a = line.getAttribute("data-a"), b = line.getAttribute("data-b");
        var on = (isDeal ? a : b) === slug;
        line.classList.toggle("is-active", on);
        if (on) {
          var other = svg.querySelector(
            (isDeal ? ".dm-network__org" : ".dm-network__deal") +
            '[data-slug="' + (isDeal ? b : a) + '"]');
          if (other) names.push(other.getAttribute("data-name"));
        }
      });
      nodes.forEach(function (n) { n.classList.toggle("is-active", n === node); });
      details.textContent = "";
      var title = document.createElement("p");
      title.className = "utrecht-paragraph";
      title.textContent = node.getAttribute("aria-label");
      details.appendChild(title);
      if (names.length) {
        var list = document.createElement("p");
        list.className = "utrecht-paragraph";
        list.textContent = svg.getAttribute("data-connected-label") + ": " + names.sort().join("; ");
        details.appendChild(list);
      }
    }

    function moveTo(index) {
      var node = nodes[(index + nodes.length) % nodes.length];
      nodes.forEach(function (n) { n.setAttribute("tabindex", "-1"); });
      node.setAttribute("tabindex", "0");
      node.focus();
    }

    nodes.forEach(function (node, index) {
      node.addEventListener("focus", function () { show(node); });
      node.addEventListener("mouseenter", function () { show(node); });
      node.addEventListener("keydown", function (event) {
        var key = event.key;
        if (key === "ArrowRight" || key === "ArrowDown") moveTo(index + 1);
        else if (key === "ArrowLeft" || key === "ArrowUp") moveTo(index - 1);
        else if (key === "Home") moveTo(0);
        else if (key === "End") moveTo(nodes.length - 1);
        else return;
        event.preventDefault();
      });
      node.addEventListener("click", function (event) {
        var row = document.getElementById(node.getAttribute("data-row"));
        if (!row) return;
        event.preventDefault();
        row.focus();
        row.scrollIntoView({ block: "center" });
        history.replaceState(null, "", "#" + row.id);
      });
    });
  }

  function initSortable(table) {
    var headers = Array.prototype.slice.call(table.querySelectorAll("thead th"));
    headers.forEach(function (th, column) {
      var button = th.querySelector("button.dm-sort");
      if (!button) return;
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        headers.forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var numeric = button.getAttribute("data-type") === "number";
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[column].textContent.trim(), y = b.cells[column].textContent.trim();
          var order = numeric ? parseFloat(x) - parseFloat(y) : x.localeCompare(y, document.documentElement.lang);
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    initNetwork();
    Array.prototype.forEach.call(document.querySelectorAll("table.dm-sortable"), initSortable);
  });
})();
