"""Messages of the backups (create, list, verify, restore) and of `db backup OUT`'s refusals."""

from __future__ import annotations

from villagepost.core.messages import register

register({
    "db.opened_read_only": (
        "数据库“{db}”所在的文件夹“{folder}”是只读的，已以只读方式打开：可以查看，但不能保存修改。",
        "the folder '{folder}' of the database '{db}' is read-only; opened read-only: you can look, but "
        "changes cannot be saved",
    ),
    "db.check_ok": ("检查通过：数据库完整，站点历史、覆盖和区划计数一致。",
                    "check passed: the database is whole; histories, covers and division counts agree"),
    "db.check_failed": ("检查发现 {n} 个问题：", "the check found {n} problems:"),
    "backup.daily_made": ("今天第一次打开登记册，已自动备份并校验：{path}",
                          "first open today: the registry was backed up and verified: {path}"),
    "backup.daily_failed": ("今天的自动备份没有完成：{reason}。登记册照常打开。",
                            "today's automatic backup failed: {reason}; the registry opened as usual"),
    "backup.made": ("已备份并校验：{path}", "backed up and verified: {path}"),
    "backup.pre_import_made": ("导入前已备份：{path}", "backed up before importing: {path}"),
    "backup.server": (
        "服务器（PostgreSQL）上的登记册请由管理员用 pg_dump 备份，例如：{command}",
        "back up a server (PostgreSQL) registry with pg_dump, e.g.: {command}",
    ),
    "backup.unknown_id": ("没有编号为“{id}”的备份。可用 villagepost backup list 查看全部备份。",
                          "there is no backup '{id}'; villagepost backup list shows them all"),
    "backup.not_restorable": (
        "备份“{id}”未通过校验（{reason}），不能用来恢复。请选择其他备份。",
        "the backup '{id}' failed verification ({reason}) and cannot be restored; choose another one",
    ),
    "backup.restored": (
        "已从备份“{id}”（{created}）恢复登记册，并检查无误。恢复前的状态已保存为备份“{before}”。",
        "restored the registry from the backup '{id}' ({created}) and checked it; the state before the restore "
        "was kept as the backup '{before}'",
    ),
    "backup.restore_failed_check": (
        "从备份“{id}”恢复后的登记册未通过检查（{reason}）。恢复前的状态保存在备份“{before}”中。",
        "the registry restored from '{id}' fails its check ({reason}); the state before is kept as '{before}'",
    ),
    "backup.verified_ok": ("备份“{id}”完好（校验和一致，完整性检查通过）", "the backup '{id}' is whole (checksum and checks pass)"),
    "backup.verified_bad": ("备份“{id}”已损坏：{reason}", "the backup '{id}' is damaged: {reason}"),
    "backup.none": ("还没有备份。备份文件夹：{folder}", "no backups yet; backups folder: {folder}"),
    # db backup OUT: where a copy may go
    "backup.target_folder": ("“{path}”是一个文件夹。请给出备份文件的完整文件名，例如 {path}/村邮通备份.sqlite",
                             "'{path}' is a folder; give the backup's file name, e.g. {path}/villagepost-copy.sqlite"),
    "backup.target_no_folder": ("文件夹“{folder}”不存在。请先建立该文件夹，或选择已有的文件夹。",
                                "the folder '{folder}' does not exist; create it first or choose an existing one"),
    "backup.target_is_registry": ("“{path}”就是当前登记册本身，不能备份到它自己。请选择另一个文件名。",
                                  "'{path}' is the registry itself; a backup cannot go onto it. Choose another name."),
    "backup.target_is_registry_file": (
        "“{path}”是另一个村邮通登记册，备份会覆盖其中的数据，已拒绝。请选择一个新的文件名。",
        "'{path}' is another VillagePost registry that the backup would replace; refused. Choose a new file name.",
    ),
    "backup.target_exists": (
        "“{path}”已存在且不是村邮通的备份文件，不会被覆盖。请选择一个新的文件名。",
        "'{path}' exists and is not a VillagePost backup; it will not be overwritten. Choose a new file name.",
    ),
    "backup.target_suffix": ("备份文件名应以 .sqlite 结尾：{path}", "a backup's file name must end in .sqlite: {path}"),
    "app.disk_full": ("磁盘已满，无法写入“{path}”。请清理磁盘空间后重试；已写入一半的文件已删除，登记册没有改动。",
                      "the disk is full, cannot write '{path}'; free some space and retry. The half-written file "
                      "was removed; the registry is unchanged."),
})
