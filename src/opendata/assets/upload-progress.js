// Upload progress for large files, a progressive enhancement: without this script (or for small files) the form
// posts as usual. With it, the form is sent by XMLHttpRequest so that a <progress> bar and a polite live status can
// follow the upload; the server's answer is then shown exactly as the plain form would show it.
(function () {
  'use strict';
  function enhance(root) {
    root.querySelectorAll('[data-upload-progress]').forEach(function (block) {
      var form = block.closest('form');
      if (!form || form.getAttribute('data-progress-ready')) return;
      form.setAttribute('data-progress-ready', 'yes');
      form.addEventListener('submit', function (event) {
        var input = form.querySelector('input[type="file"]');
        var file = input && input.files && input.files[0];
        if (!file || file.size < Number(block.getAttribute('data-threshold')) || !window.FormData) return;
        event.preventDefault();
        send(form, block);
      });
    });
  }

  function send(form, block) {
    var bar = block.querySelector('progress');
    var status = block.querySelector('[role="status"]');
    var buttons = form.querySelectorAll('button');
    var announced = -1;
    function say(text) { status.textContent = text; }
    function stop(text) {
      say(text);
      buttons.forEach(function (b) { b.disabled = false; });
    }
    buttons.forEach(function (b) { b.disabled = true; });
    block.querySelector('.upload-progress-bar').hidden = false;
    bar.value = 0;

    var request = new XMLHttpRequest();
    request.open('POST', form.action);
    request.setRequestHeader('Accept', 'text/html');
    request.upload.addEventListener('progress', function (event) {
      if (!event.lengthComputable) return;
      var percent = Math.floor((event.loaded / event.total) * 100);
      bar.value = percent;
      // Announce in steps of ten: a screen reader reading every event would never finish.
      var step = percent - (percent % 10);
      if (step > announced) {
        announced = step;
        say(block.getAttribute('data-sending').replace('{percent}', String(step)));
      }
    });
    request.upload.addEventListener('load', function () {
      bar.value = 100;
      say(block.getAttribute('data-checking'));
    });
    request.addEventListener('load', function () {
      if (request.status >= 200 && request.status < 300) {
        window.location.assign(request.responseURL);
        return;
      }
      // Refused: the answer is the page with its error summary, shown in place of this one.
      var page = new DOMParser().parseFromString(request.responseText, 'text/html');
      document.title = page.title;
      document.body.replaceWith(document.adoptNode(page.body));
      enhance(document);
      var summary = document.querySelector('.error-summary');
      if (summary) summary.focus();
    });
    request.addEventListener('error', function () { stop(block.getAttribute('data-failed')); });
    request.addEventListener('abort', function () { stop(block.getAttribute('data-failed')); });
    request.send(new FormData(form));
  }

  enhance(document);
})();
