"""Words of the command line for a newcomer: argparse's own, the global options and the demo folder,
what the operating system and the TOML parser say, in the user's language."""

MESSAGES: dict[str, tuple[str, str]] = {
    # argparse: what it shows itself (see inspector/cli/parser.py)
    "argparse.usage": ("用法：", "usage: "),
    "argparse.positionals": ("位置参数", "positional arguments"),
    "argparse.options": ("选项", "options"),
    "argparse.help": ("显示本帮助并退出", "show this help message and exit"),
    "argparse.version": ("显示版本号并退出", "show the version and exit"),
    "argparse.error": ("{prog}：错误：{message}", "{prog}: error: {message}"),
    "argparse.argument": ("参数 {argument}：{message}", "argument {argument}: {message}"),
    "argparse.required": ("缺少必需的参数：{arguments}", "the following arguments are required: {arguments}"),
    "argparse.unrecognized": ("无法识别的参数：{arguments}", "unrecognized arguments: {arguments}"),
    "argparse.invalid_choice": (
        "无效的选择 {value}（可选：{choices}）",
        "invalid choice: {value} (choose from {choices})",
    ),
    "argparse.invalid_value": ("无效的 {type} 值：{value}", "invalid {type} value: {value}"),
    "argparse.expected_one": ("需要一个值", "expected one argument"),
    "argparse.expected_at_most_one": ("最多只能有一个值", "expected at most one argument"),
    "argparse.expected_at_least_one": ("至少需要一个值", "expected at least one argument"),
    "argparse.expected_count": ("需要 {count} 个值", "expected {count} {count:argument|arguments}"),
    "argparse.ambiguous": (
        "选项 {option} 不明确，可能是：{matches}",
        "ambiguous option: {option} could match {matches}",
    ),
    "argparse.not_allowed_with": ("不能与参数 {argument} 同时使用", "not allowed with argument {argument}"),
    "argparse.ignored_value": ("此选项不带值：{value}", "ignored explicit argument {value}"),
    "argparse.one_required": ("需要以下参数之一：{arguments}", "one of the arguments {arguments} is required"),
    # the options every command takes
    "cli.global_options": (
        "通用选项（写在命令之前或之后均可）",
        "options of every command (before or after the command)",
    ),
    "cli.opt.demo": (
        "使用演示数据目录（inspector demo 所用的目录）",
        "use the demo's data folder (the one inspector demo uses)",
    ),
    "cli.demo.how_to_reach": (
        "其他命令加上 --demo 即作用于演示数据，如 inspector visits list --demo",
        "Add --demo to any other command to work on the demo data, such as inspector visits list --demo",
    ),
    "cli.demo_or_data_dir": (
        "--demo 与 --data-dir 只能选一个",
        "--demo and --data-dir cannot be used together",
    ),
    "cli.demo.hint": (
        "提示：演示数据（{count} 次检查）在单独的目录 {demo} 中，不在 {path}；加上 --demo 查看：inspector {command} --demo",
        "Note: the demo's {count} {count:visit is|visits are} in a folder of their own, {demo}, not in {path}; "
        "add --demo to see them: inspector {command} --demo",
    ),
    # files the command line reads and writes
    "cli.file_not_found": ("找不到文件 {path}", "no such file: {path}"),
    "cli.not_a_file": ("{path} 不是文件", "{path} is not a file"),
    "cli.no_such_folder": (
        "找不到文件夹 {folder}，无法写入 {path}。请先建立该文件夹，或换一个位置。",
        "There is no folder {folder} to write {path} in: make the folder first, or choose another place.",
    ),
    # why the operating system refused
    "os.no_such_file": ("找不到文件或文件夹", "no such file or folder"),
    "os.permission": ("没有权限", "permission denied"),
    "os.disk_full": ("磁盘已满", "the disk is full"),
    "os.read_only": ("磁盘或文件夹是只读的", "the disk or folder is read-only"),
    "os.is_a_folder": ("这是一个文件夹，不是文件", "it is a folder, not a file"),
    "os.not_a_folder": ("路径中有一部分不是文件夹", "part of the path is not a folder"),
    "os.name_too_long": ("文件名太长", "the file name is too long"),
    "os.other": ("系统错误（{name}）", "system error ({name})"),
    # the TOML parser (tomllib), inside file.bad_toml
    "file.bad_toml_at": ("TOML 格式错误（第 {column} 列）：{reason}", "TOML syntax error (column {column}): {reason}"),
    "toml.invalid_statement": ("无法识别的内容", "invalid statement"),
    "toml.expected_newline": ("一条语句之后应当换行", "expected a new line after a statement"),
    "toml.expected": ("缺少 {expected}", "expected {expected}"),
    "toml.invalid_character": ("出现了不允许的字符 {char}", "found invalid character {char}"),
    "toml.declared_twice": ("{key} 定义了两次", "{key} is declared twice"),
    "toml.overwrite": ("同一个键赋值了两次", "a value is set twice"),
    "toml.table_end": ("表头 [...] 末尾缺少 ]", "expected ] at the end of a table header"),
    "toml.array_table_end": ("表头 [[...]] 末尾缺少 ]]", "expected ]] at the end of an array table header"),
    "toml.immutable": ("{key} 已整体定义，不能再修改", "{key} is already defined whole and cannot be changed"),
    "toml.redefine": ("不能重新定义 {key}", "cannot redefine {key}"),
    "toml.expected_equals": ("键后面缺少 =（应写成 键 = 值）", "expected = after a key (write key = value)"),
    "toml.bad_key": (
        "键的写法不对：键只能由字母、数字、_ 和 - 组成，其他文字要加引号",
        "invalid key: a bare key is letters, digits, _ and -; quote anything else",
    ),
    "toml.unclosed_array": ("列表缺少结尾的 ]", "a list is not closed with ]"),
    "toml.inline_duplicate": ("内联表中的键 {key} 重复", "key {key} repeats in an inline table"),
    "toml.unclosed_inline": ("内联表缺少结尾的右花括号", "an inline table is not closed with a closing brace"),
    "toml.backslash": (
        "文字中的反斜杠 \\ 要写成 \\\\（或改用单引号）",
        "a backslash \\ in text must be written \\\\ (or use single quotes)",
    ),
    "toml.bad_hex": ("十六进制转义不正确", "invalid hex escape"),
    "toml.bad_escape": ("转义得到的不是有效字符", "an escape that is not a Unicode character"),
    "toml.unterminated": ("文字缺少结尾的引号", "text is not closed with its quote"),
    "toml.illegal_character": ("文字中有不允许的字符 {char}", "illegal character {char} in text"),
    "toml.bad_date": ("日期或时间不正确", "invalid date or time"),
    "toml.bad_value": ("值的写法不对（文字要加引号）", "invalid value (text must be in quotes)"),
}
