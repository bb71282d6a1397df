//! `huashu FILE…` without a subcommand: what Windows runs when files are dropped onto `huashu.exe`.
//!
//! The files are checked with the defaults (as `huashu check FILE…` would, with the config found
//! beside them rather than above the current directory), the report is written
//! beside the first one, the console says where it is, the report is opened with the system's
//! default program when there is a desktop to show it on, and a console window that was opened for
//! huashu alone waits for Enter so that it does not vanish before anyone has read it.

use crate::error::Error;
use crate::report::OutputFormat;
use crate::report::pretty::render_run_error;
use crate::run::check::CheckArgs;
use crate::run::{ConfigChoice, Io, emit};
use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

/// The report's file name and the format written into it: the HTML report, a page that opens with
/// a double-click and that never leaves the machine.
///
/// Not `.txt`, although that would open everywhere: huashu reads `.txt` files as phrase lists, so a
/// later check of the same folder (dropping the folder after dropping its files) would lint the
/// report itself, and each run's report would grow with the last one's.
pub const REPORT: (&str, OutputFormat) = ("话术检查报告.html", OutputFormat::Html);

/// Set to anything but `0` or an empty value: never open the report.
pub const NO_OPEN_VAR: &str = "HUASHU_NO_OPEN";
/// `1`: wait for Enter before exiting (when standard input is a terminal); `0`: never wait.
/// Unset: wait only when the console was opened for huashu alone (Windows).
pub const PAUSE_VAR: &str = "HUASHU_PAUSE";

/// What the run does around the check, decided from the environment by [`Surroundings::detect`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Surroundings {
    /// Open the report with the system's default program.
    pub open: bool,
    /// Wait for Enter before returning, because the window closes when huashu exits.
    pub wait: bool,
}

impl Surroundings {
    /// Looks at this process: its platform, environment, standard input and console.
    pub fn detect() -> Self {
        let var = |name: &str| std::env::var_os(name);
        Surroundings {
            open: desktop_present(std::env::consts::OS, &var),
            wait: should_wait(std::io::stdin().is_terminal(), console_is_own(), &var),
        }
    }
}

/// Whether a report opened now would be seen: always on Windows, on macOS unless over SSH, elsewhere
/// when an X11 or Wayland display is set. `HUASHU_NO_OPEN` turns opening off everywhere.
pub fn desktop_present(os: &str, var: &dyn Fn(&str) -> Option<OsString>) -> bool {
    let set = |name: &str| var(name).is_some_and(|v| !v.is_empty());
    if var(NO_OPEN_VAR).is_some_and(|v| !v.is_empty() && v != "0") {
        return false;
    }
    match os {
        "windows" => true,
        "macos" => !["SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY"]
            .into_iter()
            .any(set),
        _ => set("DISPLAY") || set("WAYLAND_DISPLAY"),
    }
}

/// Whether to wait for Enter: never when standard input is not a terminal (a pipe, a file, CI, a
/// test) since nobody could press it; otherwise as `HUASHU_PAUSE` says, or when the console was
/// opened for this process alone, which is how a dropped file or a double-click starts it.
pub fn should_wait(
    stdin_is_terminal: bool,
    console_is_own: bool,
    var: &dyn Fn(&str) -> Option<OsString>,
) -> bool {
    if !stdin_is_terminal {
        return false;
    }
    match var(PAUSE_VAR).as_ref().and_then(|v| v.to_str()) {
        Some("1") => true,
        Some("0") => false,
        _ => console_is_own,
    }
}

/// On Windows: whether this process is the only one attached to its console, i.e. Windows opened the
/// console window for it (Explorer starting `huashu.exe` for dropped files or a double-click) rather
/// than it running in a terminal that a shell also uses.
#[cfg(windows)]
fn console_is_own() -> bool {
    let mut ids = [0u32; 4];
    // SAFETY: the buffer holds `ids.len()` process ids, as the call is told.
    let n = unsafe {
        windows_sys::Win32::System::Console::GetConsoleProcessList(
            ids.as_mut_ptr(),
            ids.len() as u32,
        )
    };
    n == 1
}

/// Elsewhere no reliable sign says a terminal window will close when huashu exits (macOS's Terminal
/// keeps the window open; a file manager's "run in terminal" varies), so only `HUASHU_PAUSE=1` makes
/// huashu wait.
#[cfg(not(windows))]
fn console_is_own() -> bool {
    false
}

/// Where the report for a run on `first` (the first file given) goes: in the folder that holds it.
/// For a folder that is the folder it sits in, so that checking the folder again does not read the
/// report; for a root, the root itself.
pub fn report_path(first: &Path) -> PathBuf {
    let first = std::path::absolute(first).unwrap_or_else(|_| first.to_path_buf());
    let dir = match first.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => first,
    };
    dir.join(REPORT.0)
}

/// Checks `paths` as `huashu check` does with the defaults, writes the report beside the first one,
/// says where it is, opens it and waits as `around` says. Returns `check`'s exit code (2 also when the
/// report cannot be written anywhere). Errors are printed here, before any wait, so that a window
/// that would close shows them.
pub fn run(paths: Vec<PathBuf>, config: &ConfigChoice, io: &mut Io, around: Surroundings) -> u8 {
    let code = match check_and_write(paths, config, io) {
        Ok((code, report)) => {
            if around.open {
                match open(&report) {
                    Ok(()) => {
                        let _ = writeln!(io.out, "已用默认程序打开报告。");
                    }
                    Err(e) => {
                        let _ = writeln!(io.out, "没能自动打开报告（{e}），请手动打开上面的文件。");
                    }
                }
            }
            code
        }
        Err(e) => {
            let _ = write!(io.err, "{}", render_run_error(&e, io.color));
            2
        }
    };
    let _ = io.out.flush();
    if around.wait {
        wait_for_enter(io.out);
    }
    code
}

/// `huashu` with nothing to check: the caller has printed the help; on a console opened for huashu
/// alone (a double-click on `huashu.exe`) say how it is meant to be used and wait, so that the window
/// does not flash and vanish. Returns the exit code of a usage error.
pub fn nothing_given(out: &mut dyn Write, around: Surroundings) -> u8 {
    if around.wait {
        let _ = writeln!(
            out,
            "\n要检查话术，请把话术文件（Excel、CSV、TXT 等）拖到 huashu.exe 的图标上，\
             检查报告会保存在文件旁边。"
        );
        wait_for_enter(out);
    }
    2
}

/// Runs the check into memory, writes the report file and says where it is and what it found.
/// Returns the exit code and the report's path.
fn check_and_write(
    paths: Vec<PathBuf>,
    config: &ConfigChoice,
    io: &mut Io,
) -> Result<(u8, PathBuf), Error> {
    let Some(first) = paths.first() else {
        return Err(Error::usage("没有要检查的文件", None));
    };
    if paths.iter().any(|p| p.as_os_str() == "-") {
        return Err(Error::usage(
            "不写子命令时不能从标准输入读取",
            Some("从标准输入检查请用 huashu check -".to_string()),
        ));
    }
    if let Err(source) = std::fs::metadata(first) {
        return Err(Error::Io {
            path: first.display().to_string(),
            source,
        });
    }
    let beside = report_path(first);
    let config = config_for(first, config);
    let args = CheckArgs {
        paths,
        format: REPORT.1,
        summary: false,
        output: None,
        selection: crate::RuleSelection::default(),
        max_warnings: None,
        baseline: None,
        write_baseline: None,
        fix: false,
        diff: false,
        statistics: false,
        input_format: None,
        encoding: None,
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let mut no_stdin = || Ok(Vec::new());
    let code = crate::run::check::run(
        args,
        &config,
        &mut Io {
            out: &mut out,
            err: &mut err,
            stdin: &mut no_stdin,
            color: false,
        },
    )?;
    let rendered = String::from_utf8_lossy(&out);
    let problems = String::from_utf8_lossy(&err);
    // Files that could not be read: on the console now, and in the report for later. A console that
    // cannot be written to must not cost the user the report.
    let _ = emit(io.err, &problems);
    let text = &*rendered;
    let report = match write_report(&beside, text) {
        Ok(()) => beside,
        Err(e) => {
            // A read-only folder (a network share, a CD) should not cost the user the report.
            let fallback = std::env::temp_dir().join(REPORT.0);
            let _ = writeln!(
                io.err,
                "没能把报告写到 {}（{e}），改存到临时文件夹。",
                beside.display()
            );
            write_report(&fallback, text).map_err(|source| Error::Io {
                path: fallback.display().to_string(),
                source,
            })?;
            fallback
        }
    };
    let mut message = match code {
        0 => "检查完成：没有必须修改的问题。".to_string(),
        1 => "检查完成：有需要修改的话术。".to_string(),
        _ => "检查完成，但有文件没能检查（原因见上方）。".to_string(),
    };
    if let Some(line) = summary_line(REPORT.1, &rendered) {
        message = line;
    }
    let _ = writeln!(io.out, "{message}\n检查报告已保存到：{}", report.display());
    Ok((code, report))
}

/// The config for files dropped from anywhere: `--config` or `--no-config` if given; otherwise the
/// nearest `huashu.yaml` from the first file's folder upward, or none. Not the one above the current
/// directory, as `check` does: Explorer starts a program for dropped files in a folder of its own
/// choosing, which says nothing about the files.
fn config_for(first: &Path, given: &ConfigChoice) -> ConfigChoice {
    if given.path.is_some() || given.none {
        return given.clone();
    }
    let first = std::path::absolute(first).unwrap_or_else(|_| first.to_path_buf());
    let dir = match first.parent() {
        Some(parent) if !first.is_dir() => parent,
        _ => &first,
    };
    match crate::run::config::discover(dir) {
        Some(path) => ConfigChoice {
            path: Some(path),
            none: false,
        },
        None => ConfigChoice {
            path: None,
            none: true,
        },
    }
}

/// The one-line summary, where the report's format ends with it.
fn summary_line(format: OutputFormat, rendered: &str) -> Option<String> {
    match format {
        OutputFormat::Pretty => rendered
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .filter(|l| l.starts_with("共检查"))
            .map(str::to_string),
        OutputFormat::Html => crate::report::html::summary_line(rendered),
        _ => None,
    }
}

fn write_report(path: &Path, text: &str) -> std::io::Result<()> {
    crate::run::write::write_file(path, text.as_bytes(), crate::run::write::Expect::Any)
}

/// Opens `path` with the system's default program, without waiting for it.
fn open(path: &Path) -> std::io::Result<()> {
    let program = if cfg!(windows) {
        "explorer"
    } else if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    std::process::Command::new(program)
        .arg(path)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map(drop)
}

fn wait_for_enter(out: &mut dyn Write) {
    let _ = write!(out, "\n按回车键关闭窗口……");
    let _ = out.flush();
    let mut line = String::new();
    let _ = std::io::stdin().read_line(&mut line);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<OsString> {
        let pairs: Vec<(String, OsString)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), OsString::from(v)))
            .collect();
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        }
    }

    #[test]
    fn a_desktop_is_windows_a_local_mac_or_a_display() {
        assert!(desktop_present("windows", &env(&[])));
        assert!(desktop_present("macos", &env(&[])));
        assert!(!desktop_present(
            "macos",
            &env(&[("SSH_CONNECTION", "10.0.0.1 22 10.0.0.2 22")])
        ));
        assert!(!desktop_present("linux", &env(&[])));
        assert!(!desktop_present("linux", &env(&[("DISPLAY", "")])));
        assert!(desktop_present("linux", &env(&[("DISPLAY", ":0")])));
        assert!(desktop_present(
            "freebsd",
            &env(&[("WAYLAND_DISPLAY", "wayland-0")])
        ));
    }

    #[test]
    fn huashu_no_open_turns_opening_off_everywhere() {
        for os in ["windows", "macos", "linux"] {
            let on = env(&[("DISPLAY", ":0"), (NO_OPEN_VAR, "1")]);
            assert!(!desktop_present(os, &on), "{os}");
            let off = env(&[("DISPLAY", ":0"), (NO_OPEN_VAR, "0")]);
            assert!(desktop_present(os, &off), "{os}");
        }
    }

    #[test]
    fn never_waits_without_a_terminal_to_press_enter_in() {
        for own in [false, true] {
            assert!(!should_wait(false, own, &env(&[])));
            assert!(!should_wait(false, own, &env(&[(PAUSE_VAR, "1")])));
        }
    }

    #[test]
    fn waits_in_a_console_of_its_own_unless_told() {
        assert!(should_wait(true, true, &env(&[])));
        assert!(!should_wait(true, false, &env(&[])));
        assert!(should_wait(true, false, &env(&[(PAUSE_VAR, "1")])));
        assert!(!should_wait(true, true, &env(&[(PAUSE_VAR, "0")])));
    }

    #[test]
    fn the_report_goes_beside_the_first_file_or_folder() {
        let dir = std::path::absolute("some/where").unwrap();
        assert_eq!(report_path(&dir.join("快捷短语.csv")), dir.join(REPORT.0));
        assert_eq!(report_path(&dir), dir.parent().unwrap().join(REPORT.0));
        let relative = report_path(Path::new("a.txt"));
        assert_eq!(relative, std::env::current_dir().unwrap().join(REPORT.0));
    }

    #[test]
    fn the_summary_is_the_pretty_reports_last_line() {
        let pretty = "…\n\n共检查 1 个文件、2 条话术：1 个错误，0 个警告，0 条提示。\n";
        assert_eq!(
            summary_line(OutputFormat::Pretty, pretty),
            Some("共检查 1 个文件、2 条话术：1 个错误，0 个警告，0 条提示。".to_string())
        );
        assert_eq!(summary_line(OutputFormat::Pretty, "其他\n"), None);
        assert_eq!(summary_line(OutputFormat::Json, pretty), None);
    }
}
