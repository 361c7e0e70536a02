// Starts every GOV.UK Frontend component on the page (header menu, error summary...).
import { initAll } from "../govuk/govuk-frontend.min.js";

initAll();
