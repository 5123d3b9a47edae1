// Suggestions under a search box: <input data-autocomplete-url="/search/autocomplete/" data-autocomplete-list="ID">.
(function () {
  "use strict";
  function debounce(fn, ms) {
    var timer;
    return function () {
      var args = arguments, self = this;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(self, args); }, ms);
    };
  }
  function setup(input) {
    var list = document.getElementById(input.getAttribute("data-autocomplete-list"));
    if (!list) return;
    var last = "";
    var update = debounce(function () {
      var q = input.value.trim();
      if (q === last) return;
      last = q;
      if (!q) { list.hidden = true; list.innerHTML = ""; return; }
      fetch(input.getAttribute("data-autocomplete-url") + "?q=" + encodeURIComponent(q), {headers: {"Accept": "application/json"}})
        .then(function (response) { return response.ok ? response.json() : {results: []}; })
        .then(function (data) {
          if (data.query !== undefined && data.query !== input.value.trim()) return;
          list.innerHTML = "";
          data.results.forEach(function (item) {
            var li = document.createElement("li");
            var a = document.createElement("a");
            a.href = item.url;
            a.textContent = item.title;
            var kind = document.createElement("span");
            kind.className = "suggest-kind";
            kind.textContent = item.kind;
            li.appendChild(a);
            li.appendChild(kind);
            list.appendChild(li);
          });
          list.hidden = data.results.length === 0;
        })
        .catch(function () { list.hidden = true; });
    }, 180);
    input.addEventListener("input", update);
    input.addEventListener("keydown", function (event) { if (event.key === "Escape") list.hidden = true; });
    document.addEventListener("click", function (event) { if (!list.contains(event.target) && event.target !== input) list.hidden = true; });
  }
  document.querySelectorAll("input[data-autocomplete-url]").forEach(setup);
})();
