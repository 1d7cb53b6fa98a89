"""Server-rendered pages for people, over the same services as the JSON API."""
