/* "Add to plan" without a page reload. Each button is a small POST form that works on its own;
 * this script sends the same form with fetch (the server sets the same plan cookie and answers
 * JSON), then flips the button and the plan counter. On any failure the form is sent normally.
 */
(function () {
  "use strict";

  function announce(message) {
    var region = document.querySelector("[data-live-region]");
    if (!region) return;
    region.textContent = "";
    setTimeout(function () {
      region.textContent = message;
    }, 50);
  }

  function update(form, inPlan) {
    form.action = inPlan ? form.dataset.remove : form.dataset.add;
    var button = form.querySelector("button");
    button.classList.toggle("is-chosen", inPlan);
    form.querySelector(".plan-label").textContent = inPlan ? form.dataset.labelRemove : form.dataset.labelAdd;
    form.querySelector(".plan-icon").textContent = inPlan ? "★" : "☆";
  }

  function send(form) {
    var button = form.querySelector("button");
    button.disabled = true;
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (data) {
        var kind = form.elements.kind.value;
        var id = form.elements.id.value;
        // The same item may have several buttons on a page (a card and the page itself).
        var twins = document.querySelectorAll("form.plan-toggle");
        for (var i = 0; i < twins.length; i++) {
          if (twins[i].elements.kind.value === kind && twins[i].elements.id.value === id) {
            update(twins[i], data.in_plan);
          }
        }
        var counters = document.querySelectorAll("[data-plan-count]");
        for (var j = 0; j < counters.length; j++) counters[j].textContent = String(data.count);
        announce(data.message);
        button.disabled = false;
        button.focus();
      })
      .catch(function () {
        button.disabled = false;
        form.submit();
      });
  }

  function start() {
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (!form.classList || !form.classList.contains("plan-toggle") || !window.fetch) return;
      event.preventDefault();
      send(form);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
