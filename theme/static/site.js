/* The light/dark toggle in the header.
   The page follows the system's preference until the reader presses the toggle; the choice is
   then kept in localStorage and applied by base.html's inline script before the first paint of
   every later page. Storage may be refused (some browsers on file://, privacy settings): the
   toggle then still works for the page at hand. Without JavaScript the button stays hidden. */
(function () {
  "use strict";

  var KEY = "theme";  // base.html's inline script reads the same key
  var root = document.documentElement;
  var systemDark = window.matchMedia("(prefers-color-scheme: dark)");

  function remember(theme) {
    try {
      localStorage.setItem(KEY, theme);
    } catch (error) {
      // No storage here: the choice lasts as long as this page.
    }
  }

  function current() {
    return root.getAttribute("data-theme") || (systemDark.matches ? "dark" : "light");
  }

  function show(button) {
    button.setAttribute("aria-pressed", String(current() === "dark"));
  }

  function start(button) {
    show(button);
    button.hidden = false;
    button.addEventListener("click", function () {
      var theme = current() === "dark" ? "light" : "dark";
      root.setAttribute("data-theme", theme);
      remember(theme);
      show(button);
    });
    systemDark.addEventListener("change", function () { show(button); });
  }

  var toggle = document.querySelector(".theme-toggle");
  if (toggle) {
    start(toggle);
  }
})();
