//! The freshness check and the optional file-system monitor
//! (`policygraph monitor`, docs/performance.md#file-system-monitor): every
//! answer equals a fresh build's, with the monitor and without it.

use crate::util::{self, PrivateKb};

/// A hand-edited `<id>.txt` (the text kept beside `<id>.ron`) is seen by
/// the next query, as an edit of its `.ron` is: no `index --force`.
#[test]
fn a_hand_edited_text_is_seen_without_force() {
    let kb = PrivateKb::copy_of(&util::fixture("graph"));
    let text = kb.knowledge.join("ny-widget-bill.txt");
    std::fs::write(&text, "Sec. 1. The zanzibarish provision.\n").unwrap();
    let (code, out, err) = kb.run(&["search", "zanzibarish"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("ny-widget-bill"), "{out}");
    std::fs::write(&text, "Sec. 1. The quokkaesque provision, rewritten.\n").unwrap();
    let (_, out, err) = kb.run(&["search", "quokkaesque"]);
    assert!(out.contains("ny-widget-bill"), "{out}{err}");
    assert!(err.contains("updated"), "a patch, not a rebuild: {err}");
    let (_, out, _) = kb.run(&["search", "zanzibarish"]);
    assert!(!out.contains("ny-widget-bill"), "{out}");
    std::fs::remove_file(&text).unwrap();
    let (_, out, _) = kb.run(&["search", "quokkaesque"]);
    assert!(!out.contains("ny-widget-bill"), "{out}");
}
