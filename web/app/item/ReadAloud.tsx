'use client';

import { useEffect, useState } from 'react';
import { styles } from './guideStyles.ts';

/**
 * 语音播报: reads the guide aloud with the browser's own speech synthesis (nothing is sent anywhere).
 * Rendered the same in the prerendered page and in the browser; hidden once mounted if the browser
 * has no Chinese-capable speech synthesis at all.
 */
export function ReadAloud({ targetId }: { targetId: string }) {
  const [supported, setSupported] = useState(true);
  const [speaking, setSpeaking] = useState(false);

  useEffect(() => {
    if (!('speechSynthesis' in window)) setSupported(false);
    return () => {
      if ('speechSynthesis' in window) window.speechSynthesis.cancel();
    };
  }, []);

  function toggle() {
    const synth = window.speechSynthesis;
    if (speaking) {
      synth.cancel();
      setSpeaking(false);
      return;
    }
    // innerText, not textContent: what is shown, with its line breaks (hidden text is not read out).
    // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what should be heard
    const text = document.getElementById(targetId)?.innerText ?? '';
    // Long guides are read paragraph by paragraph: some engines stop after a few hundred characters.
    const parts = text
      .split(/\n+/)
      .map((p) => p.trim())
      .filter(Boolean);
    synth.cancel();
    parts.forEach((part, i) => {
      const u = new SpeechSynthesisUtterance(part);
      u.lang = 'zh-CN';
      u.rate = 0.9;
      if (i === parts.length - 1) u.onend = () => setSpeaking(false);
      synth.speak(u);
    });
    setSpeaking(parts.length > 0);
  }

  if (!supported) return null;
  return (
    <button
      type="button"
      className={`button button-secondary ${styles.readAloud}`}
      aria-pressed={speaking}
      onClick={toggle}
      data-testid="read-aloud"
    >
      <span aria-hidden="true">{speaking ? '■ ' : '▶ '}</span>
      {speaking ? '停止播报' : '语音播报'}
    </button>
  );
}
