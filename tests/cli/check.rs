//! Tests of `policygraph check` (fixtures and goldens are added in the core-tests branch).
