// After htmx swaps new content in, move focus there, so keyboard and screen-reader users are
// not dropped on the page's body (htmx replaces the button that had focus).
// Where focus goes, first match wins, inside the swapped content:
//   1. an element marked `data-focus` or `autofocus` (the template chooses);
//   2. the error summary (`.error-summary`), whose links lead to each field;
//   3. the first field marked `aria-invalid="true"`;
//   4. a status message (`[role=status]`), e.g. "Hillside Credit Union added.";
//   5. the swapped content itself.
// Focus the user has moved elsewhere in the meantime is left alone. A target that cannot take
// focus is given tabindex="-1" so that it can, without joining the Tab order.
(function () {
  "use strict";
  var ORDER = ["[data-focus], [autofocus]", ".error-summary", "[aria-invalid='true']", "[role='status']"];

  function lost(root) {
    var active = document.activeElement;
    return !active || active === document.body || !active.isConnected || root.contains(active);
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    // htmx fires this on each settled element: the new content (outerHTML) or the target.
    var root = event.target;
    if (!(root instanceof Element) || !root.isConnected) {
      var id = event.detail && event.detail.target && event.detail.target.id;
      root = id ? document.getElementById(id) : null;
    }
    if (!root || !lost(root)) return;
    var target = root;
    for (var i = 0; i < ORDER.length; i++) {
      var found = root.matches(ORDER[i]) ? root : root.querySelector(ORDER[i]);
      if (found) { target = found; break; }
    }
    if (!target.matches("a[href], button, input, select, textarea, [tabindex]")) {
      target.setAttribute("tabindex", "-1");
    }
    target.focus();
  });
})();
