// The coding page: selecting words in the source's text fills the passage field.
document.addEventListener("DOMContentLoaded", function () {
  var text = document.getElementById("source-text");
  var field = document.getElementById("id_passage");
  if (!text || !field) { return; }
  text.addEventListener("mouseup", function () {
    var chosen = String(window.getSelection() || "").trim();
    if (chosen) { field.value = chosen; }
  });
});
