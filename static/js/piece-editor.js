// The piece form: autosave every half minute without touching the editor (the cursor
// stays where it is), author rows, and a warning before leaving with unsaved changes.
(function () {
  var form = document.getElementById("piece-form");
  if (!form) return;
  var dirty = false;
  var saving = false;
  var status = document.getElementById("autosave-status");
  var token = form.querySelector("input[name=csrf_token]").value;

  // A refused first send keeps the piece as a draft and answers with its form: the
  // address becomes the draft's, so a reload or a bookmark opens the draft.
  var target = new URL(form.action, window.location.href);
  if (target.pathname !== window.location.pathname && window.history && window.history.replaceState) {
    window.history.replaceState({}, "", target.pathname);
  }

  function markDirty() { dirty = true; }
  form.addEventListener("input", markDirty);
  form.addEventListener("change", markDirty);
  document.addEventListener("trix-change", markDirty);
  // Images go through the image section, where they are checked and get a caption.
  document.addEventListener("trix-file-accept", function (e) { e.preventDefault(); });
  form.addEventListener("submit", function () { dirty = false; });

  form.addEventListener("click", function (e) {
    var button = e.target.closest("[data-remove-author]");
    if (button) { button.closest(".author-row").remove(); markDirty(); }
  });

  function autosave() {
    if (!dirty || saving) return;
    saving = true;
    dirty = false;
    var data = new FormData(form);
    data.set("autosave", "1");
    data.delete("submit_piece");
    status.textContent = form.dataset.savingMessage;
    fetch(form.action, {
      method: "POST",
      body: data,
      headers: { "HX-Request": "true", "X-CSRFToken": token },
      credentials: "same-origin",
    })
      .then(function (response) {
        return response.text().then(function (html) {
          var doc = new DOMParser().parseFromString(html, "text/html");
          var fresh = doc.getElementById("autosave-status");
          if (fresh) {
            status.className = fresh.className;
            status.textContent = fresh.textContent.trim();
            if (fresh.dataset.version) form.querySelector("#version").value = fresh.dataset.version;
            if (fresh.dataset.action && fresh.dataset.action !== form.action) {
              form.action = fresh.dataset.action;
              if (window.history && window.history.replaceState) {
                window.history.replaceState({}, "", fresh.dataset.action);
              }
            }
          }
          if (!response.ok) dirty = true;
        });
      })
      .catch(function () {
        dirty = true;
        status.className = "autosave error";
        status.textContent = form.dataset.networkMessage;
      })
      .finally(function () { saving = false; });
  }

  setInterval(autosave, 30000);
  window.toasoanAutosave = autosave; // lets a test (or an impatient user) save now

  window.addEventListener("beforeunload", function (e) {
    if (dirty) { e.preventDefault(); e.returnValue = form.dataset.leaveMessage; }
  });
})();
