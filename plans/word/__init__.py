"""Plans in Word: a .docx read into a draft plan (reading, matching, importing) and a plan
written out as a .docx (export)."""
