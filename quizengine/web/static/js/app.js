/* quizengine browser code (no inline scripts: the CSP allows script-src 'self' only).
 *
 * 1. Renders maths between \( \) and \[ \] with KaTeX auto-render.
 * 2. Live preview for answer boxes: after a pause in typing, POSTs {part_id, answer} to the
 *    box's data-validate-url with the session cookie and the X-CSRFToken header, and shows
 *    "We read your answer as ..." rendered with KaTeX, or the message explaining the problem.
 */
(function () {
  "use strict";

  var DELAY_MS = 300;

  function renderMath(root) {
    if (window.renderMathInElement) {
      window.renderMathInElement(root, {
        delimiters: [
          { left: "\\[", right: "\\]", display: true },
          { left: "\\(", right: "\\)", display: false }
        ],
        throwOnError: false
      });
    }
  }

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function showPreview(box, data) {
    var target = document.getElementById(box.getAttribute("aria-describedby"));
    if (!target) { return; }
    target.textContent = "";
    target.className = "preview " + (data.valid ? "valid" : "invalid");
    if (data.valid) {
      var label = document.createElement("span");
      label.textContent = "We read your answer as ";
      var maths = document.createElement("span");
      maths.className = "reading";
      try {
        window.katex.render(data.latex || "", maths, { throwOnError: false });
      } catch (e) {
        maths.textContent = data.latex;
      }
      target.appendChild(label);
      target.appendChild(maths);
      if (data.message) {
        var note = document.createElement("p");
        note.className = "note";
        note.textContent = data.message;
        target.appendChild(note);
      }
    } else if (data.message) {
      var problem = document.createElement("pre");
      problem.className = "problem";
      problem.textContent = data.message;
      target.appendChild(problem);
    }
  }

  function validate(box) {
    var answer = box.value;
    if (!answer.trim()) { showPreview(box, { valid: false, message: "" }); return; }
    var sent = answer;
    fetch(box.getAttribute("data-validate-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify({ part_id: box.getAttribute("data-part"), answer: answer })
    }).then(function (response) {
      return response.json();
    }).then(function (data) {
      if (box.value !== sent) { return; }  /* a newer request is on its way */
      if (data.error) { data = { valid: false, message: data.error.message }; }
      showPreview(box, data);
    }).catch(function () {
      showPreview(box, { valid: false, message: "Preview unavailable; you can still submit." });
    });
  }

  function watch(box) {
    var timer = null;
    box.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { validate(box); }, DELAY_MS);
    });
    if (box.value) { validate(box); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    renderMath(document.body);
    var boxes = document.querySelectorAll("input[data-validate-url]");
    for (var i = 0; i < boxes.length; i++) { watch(boxes[i]); }
  });
})();
