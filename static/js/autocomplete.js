/* Search suggestions for every search form that has data-suggest (an ARIA 1.2 combobox).
 * Without this script the forms are plain search boxes; with it, typing shows up to 10
 * suggestions from /api/v1/suggest?q= (names in both languages and pinyin: the server matches).
 * Keys: ArrowDown/ArrowUp move, Enter opens the highlighted suggestion (else searches), Escape closes.
 */
(function () {
  "use strict";

  var DELAY_MS = 150;
  var counter = 0;

  function enhance(form) {
    var input = form.querySelector('input[type="search"][name="q"]');
    if (!input || !form.dataset.suggest) return;
    var id = input.id || "q-" + (++counter);
    input.id = id;

    var list = document.createElement("ul");
    list.id = id + "-listbox";
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", form.dataset.labelList || "Suggestions");
    list.hidden = true;
    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    var row = input.parentNode;
    row.classList.add("has-suggestions");
    row.appendChild(list);
    form.appendChild(status);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);

    var items = [];
    var active = -1;
    var timer = null;
    var controller = null;
    var lastQuery = null;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function open() {
      if (!items.length) return close();
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function highlight(index) {
      var options = list.children;
      if (active >= 0 && options[active]) options[active].setAttribute("aria-selected", "false");
      active = index;
      if (active >= 0 && options[active]) {
        options[active].setAttribute("aria-selected", "true");
        input.setAttribute("aria-activedescendant", options[active].id);
        options[active].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function go(index) {
      var item = items[index];
      if (item && item.url) window.location.assign(item.url);
    }

    function render(suggestions) {
      items = suggestions.slice(0, 10);
      active = -1;
      list.textContent = "";
      items.forEach(function (item, index) {
        var option = document.createElement("li");
        option.id = list.id + "-" + index;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        var text = document.createElement("span");
        text.className = "suggestion-text";
        text.textContent = item.text;
        option.appendChild(text);
        var label = form.dataset["type" + (item.type || "").charAt(0).toUpperCase() + (item.type || "").slice(1)];
        if (label) {
          var kind = document.createElement("span");
          kind.className = "suggestion-type";
          kind.textContent = label;
          option.appendChild(kind);
        }
        option.addEventListener("mousedown", function (event) {
          event.preventDefault(); // keep the focus in the box
        });
        option.addEventListener("click", function () {
          go(index);
        });
        list.appendChild(option);
      });
      open();
      var message = items.length
        ? (form.dataset.msgResults || "{n}").replace("{n}", String(items.length))
        : form.dataset.msgNone || "";
      status.textContent = message;
    }

    function fetchSuggestions() {
      var q = input.value.trim();
      if (q === lastQuery) return open();
      lastQuery = q;
      if (controller) controller.abort();
      if (!q) {
        items = [];
        return close();
      }
      controller = typeof AbortController === "function" ? new AbortController() : null;
      var lang = document.documentElement.lang === "zh-Hans" ? "zh" : "en";
      var url = form.dataset.suggest + "?q=" + encodeURIComponent(q) + "&lang=" + lang;
      fetch(url, { headers: { Accept: "application/json" }, signal: controller && controller.signal })
        .then(function (response) {
          return response.ok ? response.json() : { suggestions: [] };
        })
        .then(function (data) {
          if (input.value.trim() === q) render((data && data.suggestions) || []);
        })
        .catch(function () {
          /* aborted, or offline: the form still searches */
        });
    }

    function schedule(event) {
      if (event.isComposing) return; // a Chinese IME is still composing: wait for its text
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, DELAY_MS);
    }
    input.addEventListener("input", schedule);
    input.addEventListener("compositionend", schedule);

    input.addEventListener("keydown", function (event) {
      if (event.isComposing) return;
      var expanded = !list.hidden && items.length > 0;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (!expanded) {
          lastQuery = null;
          return fetchSuggestions();
        }
        highlight(active + 1 >= items.length ? 0 : active + 1);
      } else if (event.key === "ArrowUp") {
        if (!expanded) return;
        event.preventDefault();
        highlight(active - 1 < 0 ? items.length - 1 : active - 1);
      } else if (event.key === "Enter") {
        if (expanded && active >= 0) {
          event.preventDefault();
          go(active);
        }
      } else if (event.key === "Escape") {
        if (expanded) {
          event.preventDefault();
          close();
        }
      }
    });

    input.addEventListener("blur", function () {
      setTimeout(close, 100);
    });
  }

  function start() {
    var forms = document.querySelectorAll("form[data-suggest]");
    for (var i = 0; i < forms.length; i++) enhance(forms[i]);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
