"""The site's search page, its autocomplete and GraphQL `searchKnowledge`: what is searched (knowledge
articles, documents, Q&A questions) lives here; how Chinese is searched lives in the `search` package."""
