"""What the tests share: factories, the workflow walker, real servers (IMAP, processes, the browser) and the
page and document checks. It sits above every app and may import any of them; no production module imports
it (common/tests/test_layers.py)."""
