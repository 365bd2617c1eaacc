(function () {
  "use strict";
  var index = document.getElementById("telemetry-index");
  var form = document.getElementById("finder");
  if (!index || !form) { return; }
  var events = [];
  try { events = JSON.parse(index.textContent).events || []; } catch (e) { return; }
  var search = document.getElementById("search");
  var category = document.getElementById("category");
  var shown = document.getElementById("shown");
  var noMatch = document.getElementById("no-match");
  function update() {
    var words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    var wanted = category.value;
    var count = 0;
    events.forEach(function (event) {
      var article = document.getElementById(event.id);
      if (!article) { return; }
      var match = words.every(function (word) { return event.text.indexOf(word) !== -1; }) &&
        (wanted === "" || event.categories.indexOf(wanted) !== -1);
      article.hidden = !match;
      if (match) { count += 1; }
    });
    shown.textContent = count + " of " + events.length + (events.length === 1 ? " event" : " events") + " shown";
    noMatch.hidden = count !== 0;
  }
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  search.addEventListener("input", update);
  category.addEventListener("change", update);
  form.hidden = false;
  update();
}());
