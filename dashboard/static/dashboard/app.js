/* Small progressive enhancements; every page works without this file. */
(function () {
  "use strict";

  // Language switch: submit on change (the button stays for browsers without script).
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });

  // Live character counters (the server checks the same limit).
  function counter(field) {
    var limit = parseInt(field.getAttribute("data-counter"), 10);
    var out = document.createElement("span");
    out.className = "counter";
    out.setAttribute("aria-live", "polite");
    field.insertAdjacentElement("afterend", out);
    function update() {
      var used = Array.from(field.value).length;
      out.textContent = used + " / " + limit;
      out.classList.toggle("over", used > limit);
    }
    field.addEventListener("input", update);
    update();
  }
  document.querySelectorAll("[data-counter]").forEach(counter);

  // HQ inbox: refresh the rows every 15 s unless the operator is working in them.
  var body = document.getElementById("inbox-rows");
  var table = body && body.closest("table[data-refresh]");
  function busy() {
    return body.contains(document.activeElement) && document.activeElement.tagName !== "TR" ||
      body.querySelector("input[type=checkbox]:checked") !== null ||
      Array.from(body.querySelectorAll("input[name=reason]")).some(function (i) { return i.value; });
  }
  if (table && !window.location.search.includes("before=")) {
    setInterval(function () {
      if (document.hidden || busy()) { return; }
      fetch(table.getAttribute("data-refresh"), {credentials: "same-origin"})
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) { if (html !== null && !busy()) { body.innerHTML = html; } })
        .catch(function () {});
    }, 15000);
  }

  // Keyboard triage: j/k move, x tick, f forward, r reject reason, o open.
  if (body) {
    document.addEventListener("keydown", function (e) {
      var tag = (e.target.tagName || "").toLowerCase();
      if (tag === "input" || tag === "select" || tag === "textarea" || e.ctrlKey || e.metaKey || e.altKey) { return; }
      var rows = Array.from(body.querySelectorAll("tr.row"));
      if (!rows.length) { return; }
      var current = document.activeElement && document.activeElement.closest ? document.activeElement.closest("tr.row") : null;
      var index = rows.indexOf(current);
      if (e.key === "j" || e.key === "k") {
        var next = e.key === "j" ? Math.min(rows.length - 1, index + 1) : Math.max(0, index - 1);
        rows[next].focus();
        e.preventDefault();
      } else if (current && e.key === "x") {
        var box = current.querySelector("input[type=checkbox]");
        box.checked = !box.checked;
        e.preventDefault();
      } else if (current && e.key === "f") {
        current.querySelector("form.forward").requestSubmit();
        e.preventDefault();
      } else if (current && e.key === "r") {
        current.querySelector("input[name=reason]").focus();
        e.preventDefault();
      } else if (current && (e.key === "o" || e.key === "Enter")) {
        window.location = current.getAttribute("data-href");
      }
    });
  }

  // Canned replies: click to copy.
  document.querySelectorAll(".copyable").forEach(function (p) {
    p.addEventListener("click", function () {
      if (navigator.clipboard) { navigator.clipboard.writeText(p.textContent.trim()); }
    });
  });
})();
