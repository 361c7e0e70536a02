// GOV.UK Frontend styles its components for JavaScript only when the body says so. Loaded
// (not inline) at the top of the body so the Content-Security-Policy needs no exception.
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
