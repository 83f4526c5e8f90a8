"""Live monitoring (`chuanxa watch`): a `Watcher` re-scores communes as updates arrive and emits events; a
`StateStore` keeps its state on disk (snapshot plus journal). Sits on the engine; the engine knows nothing of it."""
