"""-AsJob and the job cmdlets over a fake job whose wait() advances a fake clock."""
from __future__ import annotations

from engine.powershell import Job


def test_without_as_job_the_cmdlet_waits_and_returns_the_result(run, world):
    result = run("Start-Thing alpha -Seconds 30")
    assert [o["Name"] for o in result.output] == ["alpha"]
    assert world.clock == 30


def test_as_job_returns_a_running_job_at_once(run, world):
    result = run("$j = Start-Thing alpha -AsJob; $j.State; $j.Id; $j.Name; $j.HasMoreData")
    assert result.output == ["Running", 1, "Job1", False]
    assert world.clock == 0


def test_long_commands_are_cut_to_the_column_width(run):
    assert run("Start-Thing alpha -Seconds 120 -AsJob").text.split("\n")[3].endswith("Start-Thing alpha -Sec...")


def test_job_table_view(run):
    assert run("Start-Thing alpha -AsJob").text == (
        "\n"
        "Id     Name            PSJobTypeName   State         HasMoreData     Location             Command\n"
        "--     ----            -------------   -----         -----------     --------             -------\n"
        "1      Job1            ThingJob        Running       False           HV1                  Start-Thing alpha -AsJob\n"
        "\n\n")


def test_wait_job_advances_the_clock_and_receive_job_returns_results(run, world):
    run("$j = Start-Thing beta -Seconds 5 -AsJob")
    assert run("(Wait-Job $j).State").output == ["Completed"]
    assert world.clock == 5
    assert [o["Name"] for o in run("Receive-Job $j").output] == ["beta"]
    assert run("Receive-Job $j").output == []


def test_receive_job_keep(run):
    run("Start-Thing beta -AsJob | Wait-Job | Out-Null")
    assert len(run("Receive-Job -Id 1 -Keep").output) == 1
    assert len(run("Get-Job | Receive-Job").output) == 1


def test_get_job_by_id_name_and_state(run):
    run("Start-Thing alpha -Seconds 99 -AsJob; Start-Thing beta -AsJob | Wait-Job")
    assert [j.id for j in run("Get-Job").output] == [1, 2]
    assert [j.id for j in run("Get-Job 2").output] == [2]
    assert [j.id for j in run("Get-Job -Name Job1").output] == [1]
    assert [j.id for j in run("Get-Job -State Completed").output] == [2]


def test_refresh_sees_the_clock_move(run, world):
    run("$j = Start-Thing alpha -Seconds 10 -AsJob")
    world.clock = 10
    assert run("(Get-Job -Id 1).State").output == ["Completed"]


def test_failed_job_reports_its_error_through_receive_job(run):
    run("$j = Start-Thing alpha -Fail -AsJob; Wait-Job $j | Out-Null")
    assert run("$j.State").output == ["Failed"]
    result = run("Receive-Job $j")
    assert result.errors[0].render().startswith("Start-Thing : Thing 'alpha' failed to start.\nAt line:1 char:6\n")
    assert result.errors[0].fqid == "StartFailed,Fake.Commands.StartThingCommand"


def test_failure_without_as_job_is_the_commands_own_error(run):
    result = run("Start-Thing alpha -Fail")
    assert result.errors[0].fqid == "StartFailed,Fake.Commands.StartThingCommand"


def test_unknown_job_id_and_name(run):
    assert run("Get-Job -Id 7").errors[0].message == ("The command cannot find a job with the job ID 7. Verify the "
                                                      "value of the Id parameter and then try the command again.")
    assert run("Get-Job -Name Nope").errors[0].fqid == ("JobWithSpecifiedNameNotFound,"
                                                        "Microsoft.PowerShell.Commands.GetJobCommand")


def test_remove_job_refuses_running_jobs_without_force(run):
    run("Start-Thing alpha -Seconds 99 -AsJob")
    assert run("Remove-Job -Id 1").errors[0].message == (
        "The command cannot remove the job with the job ID 1 because the job is not finished. To remove the job, "
        "first stop the job, or use the Force parameter.")
    assert not run("Remove-Job -Id 1 -Force").errors
    assert run("Get-Job").output == []


def test_job_ids_are_not_reused(run):
    run("Start-Thing alpha -AsJob | Remove-Job -Force")
    assert run("(Start-Thing beta -AsJob).Id").output == [2]


def test_the_base_job_completes_on_wait():
    job = Job("Do-Something")
    job.add_result(1)
    job.wait()
    assert job.state == "Completed" and job.receive() == ([1], [])
