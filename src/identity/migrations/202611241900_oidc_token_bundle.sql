-- Every token and userinfo request reads a token with its grant, session, citizen and e-ME profile, and whether the
-- caller may be throttled. As a function, PostgreSQL plans this join once per connection instead of at every call
-- (planning cost more than twice the execution). Expired rows are invisible, as everywhere else.
CREATE FUNCTION oidc_token_bundle(p_kind text, p_id text, p_now timestamptz, p_throttle_keys text[], p_throttle_failures integer, p_throttle_window_seconds integer)
RETURNS TABLE (
  payload jsonb, consumed_at timestamptz, grant_payload jsonb, grant_consumed_at timestamptz, session_payload jsonb, session_consumed_at timestamptz,
  citizen_id uuid, disabled_at timestamptz, proofed_at timestamptz, document_type text, document_ciphertext text, profile json, throttle_counted boolean
) LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN QUERY
  SELECT t.payload, t.consumed_at, g.payload, g.consumed_at, s.payload, s.consumed_at,
    c.id, c.disabled_at, c.proofed_at, c.document_type, c.document_ciphertext,
    CASE WHEN c.id IS NOT NULL THEN (
      SELECT coalesce(json_agg(json_build_object('field', f.field, 'value', f.value, 'verified', f.verified)), '[]'::json)
      FROM citizen_profile_fields f WHERE f.citizen_id = c.id) END,
    EXISTS (SELECT 1 FROM throttle_counters tc WHERE tc.key = ANY(p_throttle_keys) AND tc.failures >= p_throttle_failures
      AND tc.window_start > p_now - make_interval(secs => p_throttle_window_seconds))
  FROM oidc_models t
  LEFT JOIN oidc_models g ON g.kind = 'Grant' AND g.id = t.payload->>'grantId' AND (g.expires_at IS NULL OR g.expires_at > p_now)
  LEFT JOIN oidc_models s ON s.kind = 'Session' AND s.uid = t.payload->>'sessionUid' AND (s.expires_at IS NULL OR s.expires_at > p_now)
  LEFT JOIN citizens c ON c.id = CASE WHEN t.payload->>'accountId' ~ '^[0-9a-fA-F-]{36}$' THEN (t.payload->>'accountId')::uuid END
  WHERE t.kind = p_kind AND t.id = p_id AND (t.expires_at IS NULL OR t.expires_at > p_now);
END
$$;
