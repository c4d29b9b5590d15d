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
