"""The reader: a model that reads a question and a passage in one pass and scores how well the
passage answers it. Search reranks its best candidates by it, the answers choose quotes and decide
refusals with it. `load(name)` gives the configured one (index.config.Config.reranker)."""
