// The main navigation's "Menu" (templates/base.html) folds its links away on a phone. On a
// wider screen the stylesheet shows them whether the menu is open or not, with
// ::details-content; a browser without it (Firefox before 143, Safari before 18.4, Chrome
// before 131) would keep them behind "Menu" on a desktop too. There, this opens the menu on a
// wide screen and hides its toggle (dealmonitor.css, .dm-menu--wide), as the stylesheet does.
(function () {
  "use strict";
  if (window.CSS && CSS.supports && CSS.supports("selector(::details-content)")) {
    return;
  }
  var wide = window.matchMedia("(min-width: 40.0625rem)");
  function fit() {
    var menus = document.querySelectorAll("details.dm-menu");
    for (var i = 0; i < menus.length; i++) {
      if (wide.matches) {
        menus[i].open = true;
      }
      menus[i].classList.toggle("dm-menu--wide", wide.matches);
    }
  }
  fit();
  if (wide.addEventListener) {
    wide.addEventListener("change", fit);
  } else if (wide.addListener) {
    wide.addListener(fit);
  }
})();
