import { test } from 'node:test';
import assert from 'node:assert/strict';
import { raw } from './jsx-runtime.ts';

test('text and attributes are escaped by default', () => {
  const name = '<script>alert("x")</script>';
  const html = String(<p title={name} data-x={"a'b"}>{name}</p>);
  assert.equal(html, '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" data-x="a&#39;b">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p>');
});

test('raw markup, booleans, void elements and fragments', () => {
  assert.equal(String(<div>{raw('<b>ok</b>')}<input disabled required={false} /><>{[1, null, false, 'a']}</></div>), '<div><b>ok</b><input disabled>1a</div>');
});
