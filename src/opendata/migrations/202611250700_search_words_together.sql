-- Word searches read together (word-searches.ts) run as one kept plan, not one function call each. With the plan of
-- migration search_words_function started once per search inside a statement planned for each batch, PostgreSQL spent
-- most of a search never asked before on that overhead (perf: catalogue look-ups, memory contexts, expression and tuple
-- descriptor set-up, the batch statement's parse), not on finding rows. Now a batch of searches (one search is a batch
-- of one) is one call: the same rows for each search as before, each with its place in the batch. For each search
-- the matches are read once (opendata_dataset_words), counted, the best max(p_kept, offset + limit) taken in order; the
-- first p_kept of those are kept as one text (search-cache.ts), and the page's datasets read (with resources if asked).
-- One row per dataset on a page, or one row of NULLs past a search's last match.
DROP FUNCTION opendata_search_words(text, integer, integer, integer, boolean);

CREATE FUNCTION opendata_search_words(p_queries text[], p_limits integer[], p_offsets integer[], p_kept integer[], p_resources boolean[])
RETURNS TABLE (
  place integer, total integer, version bigint, ranked text, n bigint,
  id uuid, name text, organisation_id uuid, category text, title_en text, title_zh_hk text, title_zh_cn text,
  notes_en text, notes_zh_hk text, notes_zh_cn text, tags text[], licence text, contact_email text, update_frequency text,
  data_dictionary_url text, spatial boolean, search_text text, formats text[], created_at timestamptz, modified_at timestamptz,
  resources_json json
) LANGUAGE plpgsql STABLE SET plan_cache_mode = force_generic_plan AS $$
BEGIN
  RETURN QUERY
  SELECT b.place::integer, m.total, v.version, coalesce(array_to_string(m.ids[1:b.keep], ','), ''), p.n,
    d.id, d.name, d.organisation_id, d.category, d.title_en, d.title_zh_hk, d.title_zh_cn, d.notes_en, d.notes_zh_hk,
    d.notes_zh_cn, d.tags, d.licence, d.contact_email, d.update_frequency, d.data_dictionary_url, d.spatial, d.search_text, d.formats,
    d.created_at, d.modified_at,
    CASE WHEN b.resources AND d.id IS NOT NULL THEN
      (SELECT coalesce(json_agg(r ORDER BY r.position), '[]') FROM opendata_resources r WHERE r.dataset_id = d.id) END
  FROM unnest(p_queries, p_limits, p_offsets, p_kept, p_resources) WITH ORDINALITY AS b(query, lim, off, keep, resources, place)
  CROSS JOIN (SELECT (SELECT s.version FROM opendata_catalogue_size s) AS version) v
  CROSS JOIN LATERAL (
    WITH matching AS MATERIALIZED (
      SELECT w.id, w.modified_at, ts_rank(w.search_vector, q.q) AS score
      FROM to_tsquery('simple', b.query) AS q(q) JOIN opendata_dataset_words w ON w.search_vector @@ q.q)
    SELECT (SELECT count(*)::integer FROM matching) AS total,
      ARRAY(SELECT x.id FROM matching x ORDER BY x.score DESC, x.modified_at DESC, x.id LIMIT greatest(b.keep, b.off + b.lim)) AS ids
  ) m
  LEFT JOIN LATERAL unnest(m.ids[b.off + 1 : b.off + b.lim]) WITH ORDINALITY AS p(id, n) ON true
  LEFT JOIN opendata_datasets d ON d.id = p.id
  ORDER BY b.place, p.n;
END
$$;
