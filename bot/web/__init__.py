"""chibo's own HTTP server: webhooks, health, media."""
