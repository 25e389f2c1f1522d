import { describe, expect, it } from 'vitest';
import { formatAlert } from '../../../src/chat/format-story.js';
import type { Message } from '../../../src/chat/message.js';
import { renderText } from '../../../src/platforms/console/render-text.js';
import { makeStory, NOW } from '../../commands/fake-services.js';

describe('renderText', () => {
  it('renders headings, bullets, fields, indented notes and http(s) links as text <url>', () => {
    const message: Message = {
      blocks: [
        { type: 'heading', text: 'Tracked topics', url: 'https://sitrep.example/topics' },
        { type: 'text', spans: [{ text: 'Two lines\nof text' }] },
        { type: 'list', items: [[{ text: 'Goma', url: 'https://news.example/goma' }, { text: ' — Reuters' }], [{ text: 'plain' }]] },
        { type: 'field', label: 'Trend', spans: [{ text: 'escalating', bold: true }] },
        { type: 'heading', text: 'Second section' },
        { type: 'note', spans: [{ text: 'why it matched' }] },
      ],
    };
    expect(renderText(message)).toBe(
      [
        '## Tracked topics <https://sitrep.example/topics>',
        'Two lines',
        'of text',
        '• Goma <https://news.example/goma> — Reuters',
        '• plain',
        'Trend: escalating',
        '',
        '## Second section',
        '  why it matched',
      ].join('\n'),
    );
  });

  it('prints hostile feed text as inert text: no javascript: link, no terminal escapes', () => {
    const story = makeStory({
      title: '<script>alert(1)</script> \u001b[2J\u001b]0;pwned\u0007Goma \u202Efalls\u202C',
      url: 'javascript:alert(document.cookie)',
      source: 'Evil\u009b31m Feed',
    });
    const text = renderText(formatAlert([story], { now: NOW }));
    expect(text).toContain('## <script>alert(1)</script> [2J]0;pwnedGoma falls');
    expect(text).not.toContain('javascript:');
    // eslint-disable-next-line no-control-regex -- asserting no control characters survive
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
    expect(text).toContain('Evil31m Feed');
  });

  it('drops link targets that are not http(s) but keeps their text', () => {
    const text = renderText({
      blocks: [{ type: 'list', items: [[{ text: 'click', url: 'data:text/html,<b>x</b>' }], [{ text: 'file', url: 'file:///etc/passwd' }]] }],
    });
    expect(text).toBe('• click\n• file');
  });
});
