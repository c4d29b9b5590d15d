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
    var p = doc.querySelector(".error-page p");
    if (h) text = h.textContent + (p ? ": " + p.textContent : "");
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
