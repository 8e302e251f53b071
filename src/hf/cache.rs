//! Finds a model's tokenizer folder in the local Hugging Face cache, offline, the way
//! `huggingface_hub` lays it out: `<cache>/models--ORG--NAME/snapshots/<rev>/`, where
//! `<rev>` is the commit `refs/main` holds. Never any network access.

use std::path::{Path, PathBuf};

/// The hub cache folder: `HF_HUB_CACHE` (or the older `HUGGINGFACE_HUB_CACHE`), else `HF_HOME/hub`, else
/// `~/.cache/huggingface/hub` (`XDG_CACHE_HOME` is honoured as huggingface_hub does).
pub fn hub_cache_dir() -> Option<PathBuf> {
    hub_cache_dir_from(&|k| std::env::var_os(k).filter(|v| !v.is_empty()))
}

fn hub_cache_dir_from(var: &dyn Fn(&str) -> Option<std::ffi::OsString>) -> Option<PathBuf> {
    // HUGGINGFACE_HUB_CACHE is the older name huggingface_hub still reads.
    if let Some(p) = var("HF_HUB_CACHE").or_else(|| var("HUGGINGFACE_HUB_CACHE")) {
        return Some(expand_home(PathBuf::from(p), var));
    }
    if let Some(p) = var("HF_HOME") {
        return Some(expand_home(PathBuf::from(p), var).join("hub"));
    }
    let cache = match var("XDG_CACHE_HOME") {
        Some(x) => PathBuf::from(x),
        None => PathBuf::from(var("HOME")?).join(".cache"),
    };
    Some(cache.join("huggingface").join("hub"))
}

/// `~/x` as Python's `os.path.expanduser` reads it.
fn expand_home(p: PathBuf, var: &dyn Fn(&str) -> Option<std::ffi::OsString>) -> PathBuf {
    match (p.strip_prefix("~"), var("HOME")) {
        (Ok(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => p,
    }
}

/// The snapshot folder of `repo_id` ("ORG/NAME") that holds `tokenizer.json`.
/// Not found: an error that names the folder looked at and the command that fetches
/// the two files.
pub fn find_in_hf_cache(repo_id: &str) -> Result<PathBuf, String> {
    let cache = hub_cache_dir().ok_or_else(|| {
        "no Hugging Face cache folder: HF_HUB_CACHE, HF_HOME and HOME are unset".to_string()
    })?;
    find_in(&cache, repo_id)
}

/// The command that puts a model's tokenizer files in the cache.
pub fn download_command(repo_id: &str) -> String {
    format!("huggingface-cli download {repo_id} tokenizer.json tokenizer_config.json")
}

pub fn find_in(cache: &Path, repo_id: &str) -> Result<PathBuf, String> {
    let fetch = download_command(repo_id);
    if repo_id.split('/').count() != 2 || repo_id.split('/').any(str::is_empty) {
        return Err(format!(
            "{repo_id:?} is not a Hugging Face repo id (ORG/NAME)"
        ));
    }
    let repo = cache.join(format!("models--{}", repo_id.replace('/', "--")));
    let refs_main = repo.join("refs").join("main");
    let rev = match std::fs::read_to_string(&refs_main) {
        Ok(r) => r.trim().to_string(),
        Err(_) => {
            return Err(format!(
                "tokenizer of {repo_id} not in the Hugging Face cache ({} not found); fetch it with: {fetch}",
                refs_main.display()
            ));
        }
    };
    // A ref holds a commit hash; anything else (a path) is not trusted.
    if rev.is_empty() || !rev.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(format!(
            "{} holds {rev:?}, not a revision",
            refs_main.display()
        ));
    }
    let snapshot = repo.join("snapshots").join(&rev);
    let tokenizer = snapshot.join("tokenizer.json");
    if !tokenizer.is_file() {
        return Err(format!(
            "tokenizer of {repo_id} not in the Hugging Face cache ({} not found); fetch it with: {fetch}",
            tokenizer.display()
        ));
    }
    Ok(snapshot)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsString;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<OsString> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| {
            pairs
                .iter()
                .find(|(k0, _)| k0 == k)
                .map(|(_, v)| OsString::from(v))
        }
    }

    #[test]
    fn cache_dir_precedence() {
        let all = env(&[("HF_HUB_CACHE", "/a"), ("HF_HOME", "/b"), ("HOME", "/h")]);
        assert_eq!(hub_cache_dir_from(&all), Some(PathBuf::from("/a")));
        let home = env(&[("HF_HOME", "~/hf"), ("HOME", "/h")]);
        assert_eq!(hub_cache_dir_from(&home), Some(PathBuf::from("/h/hf/hub")));
        let xdg = env(&[("XDG_CACHE_HOME", "/x"), ("HOME", "/h")]);
        assert_eq!(
            hub_cache_dir_from(&xdg),
            Some(PathBuf::from("/x/huggingface/hub"))
        );
        let plain = env(&[("HOME", "/h")]);
        assert_eq!(
            hub_cache_dir_from(&plain),
            Some(PathBuf::from("/h/.cache/huggingface/hub"))
        );
        assert_eq!(hub_cache_dir_from(&env(&[])), None);
    }

    fn temp_dir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("ftlint-hfcache-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn finds_the_snapshot_refs_main_names() {
        let cache = temp_dir("found");
        let repo = cache.join("models--Qwen--Qwen3-8B");
        for rev in ["aaa111", "bbb222"] {
            let snap = repo.join("snapshots").join(rev);
            std::fs::create_dir_all(&snap).unwrap();
            std::fs::write(snap.join("tokenizer.json"), "{}").unwrap();
        }
        std::fs::create_dir_all(repo.join("refs")).unwrap();
        std::fs::write(repo.join("refs").join("main"), "bbb222\n").unwrap();
        assert_eq!(
            find_in(&cache, "Qwen/Qwen3-8B").unwrap(),
            repo.join("snapshots").join("bbb222")
        );
        std::fs::remove_dir_all(&cache).unwrap();
    }

    #[test]
    fn missing_names_the_fetch_command() {
        let cache = temp_dir("missing");
        let err = find_in(&cache, "meta-llama/Llama-3.1-8B-Instruct").unwrap_err();
        assert!(
            err.contains("huggingface-cli download meta-llama/Llama-3.1-8B-Instruct tokenizer.json tokenizer_config.json"),
            "{err}"
        );
        // refs/main present but the snapshot lacks tokenizer.json.
        let repo = cache.join("models--org--m");
        std::fs::create_dir_all(repo.join("refs")).unwrap();
        std::fs::create_dir_all(repo.join("snapshots").join("abc")).unwrap();
        std::fs::write(repo.join("refs").join("main"), "abc").unwrap();
        let err = find_in(&cache, "org/m").unwrap_err();
        assert!(
            err.contains("tokenizer.json not found")
                && err.contains("huggingface-cli download org/m"),
            "{err}"
        );
        std::fs::write(repo.join("refs").join("main"), "../../etc").unwrap();
        assert!(
            find_in(&cache, "org/m")
                .unwrap_err()
                .contains("not a revision")
        );
        assert!(find_in(&cache, "no-slash").is_err());
        std::fs::remove_dir_all(&cache).unwrap();
    }
}
