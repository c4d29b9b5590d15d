// Tell the user when an htmx request fails, instead of silently doing nothing.
(function () {
  function show(message) {
    var box = document.getElementById("flash");
    if (!box) return;
    var p = document.createElement("p");
    p.className = "flash flash-error";
    p.setAttribute("role", "alert");
    p.textContent = message;
    box.appendChild(p);
  }
  document.addEventListener("htmx:responseError", function (evt) {
    var xhr = evt.detail.xhr;
    var text = document.body.dataset.errorMessage;
    // Our error pages carry a heading that says what went wrong: show it.
    var doc = new DOMParser().parseFromString(xhr.responseText || "", "text/html");
    var h = doc.querySelector(".error-page h1");
    var p = doc.querySelector(".error-page .error-message");
    var hint = doc.querySelector(".error-page .error-hint");
    if (h) text = h.textContent + (p ? ": " + p.textContent : "") + (hint ? " " + hint.textContent : "");
    show(text);
  });
  document.addEventListener("htmx:sendError", function () {
    show(document.body.dataset.networkMessage);
  });
})();

// Demo mode: a demo account's button fills the sign-in form.
document.addEventListener("click", function (evt) {
  var button = evt.target.closest && evt.target.closest("button.demo-fill");
  if (!button) return;
  var user = document.getElementById("username");
  var password = document.getElementById("password");
  if (!user || !password) return;
  user.value = button.dataset.username;
  password.value = button.dataset.password;
  password.focus();
});
// Behaviour that used to sit in inline handlers, kept here so that the Content-Security-Policy
// can refuse every inline script.
(function () {
  // A plain (non-htmx) form with hx-confirm asks before it is sent; htmx forms ask by themselves.
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("hx-confirm")) return;
    if (form.hasAttribute("hx-post")) return;
    if (!window.confirm(form.getAttribute("hx-confirm"))) e.preventDefault();
  });
  // <button data-print>: print the page.
  document.addEventListener("click", function (e) {
    var button = e.target.closest && e.target.closest("[data-print]");
    if (button) window.print();
  });
  // <form data-upload-progress="#bar">: the upload's progress in that <progress>.
  document.addEventListener("htmx:xhr:progress", function (e) {
    var form = e.target.closest && e.target.closest("[data-upload-progress]");
    if (!form || !e.detail.total) return;
    var bar = document.querySelector(form.dataset.uploadProgress);
    if (bar) bar.value = (e.detail.loaded * 100) / e.detail.total;
  });
  // Polling elements marked data-poll-visible-only skip their request while the tab is hidden
  // (an hx-trigger filter would need eval).
  document.addEventListener("htmx:beforeRequest", function (e) {
    var elt = e.detail.elt;
    if (elt && elt.hasAttribute("data-poll-visible-only") && document.visibilityState !== "visible") {
      e.preventDefault();
    }
  });
})();
