import { useState, type FormEvent } from 'react';

/** Search over the workspace's messages; an empty search shows the list again. */
export function SearchBox(props: { onSearch: (query: string) => void }) {
  const [text, setText] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    props.onSearch(text.trim());
  };
  return (
    <form className="search-box" role="search" onSubmit={submit}>
      <input
        type="search"
        aria-label="Search messages"
        placeholder="Search messages"
        value={text}
        maxLength={200}
        onChange={(e) => {
          setText(e.target.value);
          if (e.target.value === '') props.onSearch('');
        }}
        data-testid="search-input"
      />
      <button type="submit" data-testid="search-submit">
        Search
      </button>
    </form>
  );
}
