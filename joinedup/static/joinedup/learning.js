// The coding page: selecting words in the source's text, with the mouse or with Shift and the
// arrow keys, fills the passage field and which appearance of it was chosen.
//
// The text becomes a read-only text box (contenteditable, every edit refused) so that a caret
// moves in it from the keyboard, as in a read-only text area, while the coded passages stay
// marked. The server finds the passage by its text and appearance (`learning.text.locate`),
// counting appearances that overlap the same way as below, so the highlight's code points are
// the same however the browser counts characters.
document.addEventListener("DOMContentLoaded", function () {
  var text = document.getElementById("source-text");
  var field = document.getElementById("id_passage");
  var occurrence = document.getElementById("id_occurrence");
  if (!text || !field) { return; }
  var original = text.innerHTML;
  text.setAttribute("contenteditable", "true");
  text.setAttribute("role", "textbox");
  text.setAttribute("aria-multiline", "true");
  text.setAttribute("aria-readonly", "true");
  text.setAttribute("aria-label", "The source's text (select words in it to code them)");
  text.setAttribute("spellcheck", "false");
  ["beforeinput", "paste", "cut", "drop"].forEach(function (type) {
    text.addEventListener(type, function (event) { event.preventDefault(); });
  });
  // An edit that cannot be refused (an input method's composition) is undone.
  text.addEventListener("input", function () { text.innerHTML = original; });

  function appearance(whole, passage, start) {
    var n = 0;
    var at = whole.indexOf(passage);
    while (at >= 0 && at <= start) {
      n += 1;
      at = whole.indexOf(passage, at + 1);
    }
    return Math.max(n, 1);
  }

  document.addEventListener("selectionchange", function () {
    var selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) { return; }
    var range = selection.getRangeAt(0);
    if (!text.contains(range.startContainer) || !text.contains(range.endContainer)) { return; }
    var chosen = range.toString();
    var passage = chosen.trim();
    if (!passage) { return; }
    var before = document.createRange();
    before.setStart(text, 0);
    before.setEnd(range.startContainer, range.startOffset);
    var start = before.toString().length + (chosen.length - chosen.trimStart().length);
    field.value = passage;
    if (occurrence) { occurrence.value = appearance(text.textContent, passage, start); }
  });
});
